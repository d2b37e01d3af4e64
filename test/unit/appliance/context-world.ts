/** What the contextualization tests share: temporary roots, a step context on one, no commands. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StepContext } from "../../../src/appliance/context/step.js";
import type { Exec } from "../../../src/host/exec.js";

/** An Exec for steps that must run no command: any call fails the test. */
export const noExec: Exec = {
  run: (file) => {
    throw new Error(`no command expected, got ${file}`);
  },
};

/** Temporary directories, all removed by `cleanup()` (pass it to `after`). */
export function tempDirs(prefix: string) {
  const made: string[] = [];
  return {
    make(): string {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    cleanup(): void {
      for (const d of made) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** A step context on a temporary root, as `--root` gives (no live changes). */
export const stepContext = (
  root: string,
  vars: Record<string, string>,
  notes: string[] = [],
): StepContext => ({
  vars,
  root,
  live: false,
  exec: noExec,
  note: (l) => notes.push(l),
});
