import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, seen from the compiled test file in dist/test/helpers/. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const GOLDEN_DIR = join(REPO_ROOT, "test", "golden");
export const SHARED_DIR = resolve(REPO_ROOT, "..", "shared");

function unifiedDiff(expected: string, actual: string): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  const out: string[] = [];
  const max = Math.max(a.length, b.length);
  for (let i = 0; i < max; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] !== undefined) out.push(`-${i + 1}: ${a[i]}`);
    if (b[i] !== undefined) out.push(`+${i + 1}: ${b[i]}`);
    if (out.length > 60) break;
  }
  return out.join("\n");
}

/**
 * Compares `actual` with test/golden/<name>; `UPDATE_GOLDEN=1` rewrites the file instead.
 * A mismatch fails with a line diff.
 */
export function assertGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (relative(GOLDEN_DIR, file).startsWith(".."))
    throw new Error(`golden name escapes test/golden: ${name}`);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, "utf8");
  } catch {
    assert.fail(`golden file test/golden/${name} is missing; run UPDATE_GOLDEN=1 npm test and review it`);
  }
  if (expected !== actual) {
    assert.fail(
      `output differs from test/golden/${name} (UPDATE_GOLDEN=1 npm test rewrites it):\n${unifiedDiff(expected, actual)}`,
    );
  }
}
