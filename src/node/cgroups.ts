/**
 * A node's own cgroup root where nodes share one cgroup v1 tree (the local cloud): kubelet
 * expects its `cgroupRoot` to exist in every controller, and cpuset refuses tasks in a group
 * whose cpus and mems are empty, so those are copied down from the parent at each level.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const CGROUP_MOUNT = "/sys/fs/cgroup";

/** The v1 hierarchies mounted under /sys/fs/cgroup (cgroup2's `unified` excluded). */
export function v1Controllers(base = CGROUP_MOUNT): string[] {
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((d) => d !== "unified" && statSync(join(base, d)).isDirectory())
    .filter((d) => existsSync(join(base, d, "cgroup.procs")));
}

function copyDown(parent: string, child: string, file: string): void {
  const mine = join(child, file);
  if (readFileSync(mine, "utf8").trim() !== "") return;
  writeFileSync(mine, readFileSync(join(parent, file), "utf8").trim());
}

/** Creates `root` (e.g. `/onekube/okb-x-3`) in every controller; returns whether it made any. */
export function ensureCgroupRoot(root: string, base = CGROUP_MOUNT): boolean {
  let changed = false;
  const parts = root.split("/").filter(Boolean);
  for (const controller of v1Controllers(base)) {
    let dir = join(base, controller);
    for (const part of parts) {
      const next = join(dir, part);
      if (!existsSync(next)) {
        mkdirSync(next);
        changed = true;
      }
      if (controller === "cpuset") {
        copyDown(dir, next, "cpuset.cpus");
        copyDown(dir, next, "cpuset.mems");
      }
      dir = next;
    }
  }
  return changed;
}
