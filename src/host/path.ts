import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Whether an executable of that name is on PATH (root's PATH includes the sbin directories). */
export function onPath(program: string, path = process.env.PATH ?? ""): boolean {
  return path
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(join(dir, program), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}
