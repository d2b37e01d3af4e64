import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";

/**
 * Writes a file only when its content or mode differs; true when it wrote. With `check`, the new
 * content is judged by the real tool first (on a temporary file beside it), so a configuration
 * the tool refuses never replaces the one in use.
 */
export async function writeIfChanged(
  path: string,
  content: string,
  mode = 0o644,
  check?: (candidate: string) => Promise<void>,
): Promise<boolean> {
  if (existsSync(path) && readFileSync(path, "utf8") === content) {
    if ((statSync(path).mode & 0o777) === mode) return false;
    chmodSync(path, mode);
    return true;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const candidate = `${path}.${process.pid}.new`;
  writeFileSync(candidate, content, { mode });
  try {
    await check?.(candidate);
  } catch (error) {
    rmSync(candidate, { force: true });
    throw error;
  }
  renameSync(candidate, path);
  return true;
}
