import { existsSync } from "node:fs";
import { join } from "node:path";

/** The programs a build runs, with the Debian package that brings each (scripts/setup installs them). */
export const BUILD_TOOLS: Readonly<Record<string, string>> = {
  mmdebstrap: "mmdebstrap",
  "qemu-img": "qemu-utils",
  sfdisk: "fdisk",
  mke2fs: "e2fsprogs",
  systemctl: "systemd",
  npm: "npm (Node.js)",
};

export function missingBuildTools(pathEnv: string | undefined, uid: number): string[] {
  const onPath = (tool: string) =>
    (pathEnv ?? "").split(":").some((dir) => dir !== "" && existsSync(join(dir, tool)));
  return [
    ...(uid === 0 ? [] : ["root (mmdebstrap's root mode, chroot)"]),
    ...Object.entries(BUILD_TOOLS)
      .filter(([tool]) => !onPath(tool))
      .map(([tool, pkg]) => `${tool} on PATH (Debian package ${pkg})`),
  ];
}
