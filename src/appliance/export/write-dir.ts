/**
 * Writes a set of files as one directory, never half: everything goes into a fresh directory
 * beside the target, which then takes the target's place by rename. A target that holds files
 * is refused unless `force`, and then replaced only once the new one is complete.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UsageError } from "../../errors.js";

export interface DirFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

function entries(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ENOTDIR") throw new UsageError(`--out: ${dir} is not a directory`);
    throw error;
  }
}

export function writeDirAtomically(
  dir: string,
  files: readonly DirFile[],
  options: { force: boolean },
): void {
  const existing = entries(dir);
  if (existing !== undefined && existing.length > 0 && !options.force)
    throw new UsageError(`--out: ${dir} exists and is not empty (pass --force to replace it)`);
  mkdirSync(dirname(dir), { recursive: true });
  const fresh = mkdtempSync(join(dirname(dir), `.${basename(dir)}.new-`));
  try {
    for (const file of files) {
      const path = join(fresh, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content, { mode: file.mode });
      chmodSync(path, file.mode);
    }
    chmodSync(fresh, 0o755);
    if (existing === undefined || existing.length === 0) {
      // rename(2) replaces an empty directory in one step.
      renameSync(fresh, dir);
      return;
    }
    const old = `${fresh}.old`;
    renameSync(dir, old);
    try {
      renameSync(fresh, dir);
    } catch (error) {
      renameSync(old, dir);
      throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } catch (error) {
    rmSync(fresh, { recursive: true, force: true });
    throw error;
  }
}
