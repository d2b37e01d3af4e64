#!/usr/bin/env node
// The built CLI lives in dist/; `npm run build` produces it.
import { main } from "../dist/src/cli/main.js";

process.exitCode = await main(process.argv);
