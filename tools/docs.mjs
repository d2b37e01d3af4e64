// Regenerates README.md's parameter table from the catalogue (run through `npm run docs`).
import { readFileSync, writeFileSync } from "node:fs";
import { withParamsTable } from "../dist/src/cli/markdown.js";

const file = new URL("../README.md", import.meta.url);
writeFileSync(file, withParamsTable(readFileSync(file, "utf8")));
