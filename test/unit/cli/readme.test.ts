import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { withParamsTable } from "../../../src/cli/markdown.js";
import { PARAM_NAMES } from "../../../src/params/catalogue.js";
import { REPO_ROOT } from "../../helpers/golden.js";

test("README's parameter table is the one generated from the catalogue", () => {
  // GIVEN the README as committed WHEN its table is regenerated THEN nothing changes
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  assert.equal(withParamsTable(readme), readme, "README.md is stale: run `npm run docs`");
  for (const name of PARAM_NAMES) assert.ok(readme.includes(`\`${name}\``), name);
});

test("README names exactly two set-up commands, and .ci/run runs the test one", () => {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const block = /## Set up[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const commands = block.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
  assert.equal(commands.length, 2, block);
  const ci = readFileSync(join(REPO_ROOT, ".ci", "run"), "utf8");
  assert.ok(ci.includes(commands[1] ?? "missing"), ".ci/run must call README's test command");
});
