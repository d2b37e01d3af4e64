/**
 * Removing a VM's cgroup root: pods with their own network namespace are not found by the
 * VM's namespace, but every container of the VM lives under its kubelet's cgroup root, so the
 * processes listed there are ended, then the groups removed, deepest first.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CGROUP_MOUNT, v1Controllers } from "../node/cgroups.js";

function subtree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const below = readdirSync(dir)
    .map((d) => join(dir, d))
    .filter((d) => statSync(d).isDirectory());
  return [...below.flatMap(subtree), dir];
}

export function cgroupPids(root: string, base = CGROUP_MOUNT): number[] {
  const pids = new Set<number>();
  for (const c of v1Controllers(base)) {
    for (const dir of subtree(join(base, c, root))) {
      for (const line of readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n"))
        if (line.trim()) pids.add(Number(line));
    }
  }
  return [...pids];
}

/** Kills what runs under `root` and removes its groups; what remains after 5 s is reported. */
export async function removeCgroupRoot(root: string, base = CGROUP_MOUNT): Promise<string[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    for (const pid of cgroupPids(root, base)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
    const left: string[] = [];
    for (const c of v1Controllers(base)) {
      for (const dir of subtree(join(base, c, root))) {
        try {
          rmdirSync(dir);
        } catch {
          left.push(dir);
        }
      }
    }
    if (left.length === 0) return [];
    if (attempt === 99) return left;
    await sleep(50);
  }
  return [];
}

/** The cgroup roots of a service's VMs that exist in any controller (`/onekube/onekube-<svc>-<id>`). */
export function serviceCgroupRoots(pattern: RegExp, base = CGROUP_MOUNT): string[] {
  const roots = new Set<string>();
  for (const c of v1Controllers(base)) {
    const dir = join(base, c, "onekube");
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (pattern.test(name)) roots.add(`/onekube/${name}`);
  }
  return [...roots].sort();
}
