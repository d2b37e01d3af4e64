/**
 * The built files, from the cache into the output directory: hard links where both are on one
 * file system (instant, no second copy of a gigabyte), copies elsewhere; a file already there
 * from the same build is left alone, and a file is replaced only by a rename.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

function same(a: string, b: string): boolean {
  if (!existsSync(b)) return false;
  const [sa, sb] = [statSync(a), statSync(b)];
  return sa.ino === sb.ino && sa.dev === sb.dev;
}

/** The paths of `names` in `out`, each the same file as in `from`. */
export function publish(from: string, out: string, names: readonly string[]): string[] {
  mkdirSync(out, { recursive: true });
  return names.map((name) => {
    const source = join(from, name);
    const target = resolve(out, name);
    if (resolve(source) === target || same(source, target)) return target;
    const partial = `${target}.partial`;
    rmSync(partial, { force: true });
    try {
      linkSync(source, partial);
    } catch {
      copyFileSync(source, partial);
    }
    renameSync(partial, target);
    return target;
  });
}
