import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Where an executable of that name is on PATH (root's PATH includes the sbin directories). */
export function whichOnPath(program: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Whether an executable of that name is on PATH. */
export function onPath(program: string, path = process.env.PATH ?? ""): boolean {
  return whichOnPath(program, path) !== undefined;
}
