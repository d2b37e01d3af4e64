/**
 * Kernel limits one host's VMs share. Every kubelet, containerd and CoreDNS of every local VM
 * takes inotify instances from one per-user pool (the VMs share the host's user namespace), and
 * the usual default of 128 runs out at about ten nodes: kubelet then fails to start cAdvisor
 * ("inotify_init: too many open files") and a join fails. The local cloud raises such limits,
 * never lowers them, and says so.
 */
import { readFileSync, writeFileSync } from "node:fs";

export const HOST_LIMITS: readonly { readonly file: string; readonly min: number }[] = [
  { file: "/proc/sys/fs/inotify/max_user_instances", min: 8192 },
  { file: "/proc/sys/fs/inotify/max_user_watches", min: 524288 },
];

/** Raises each limit below its minimum; returns what it changed, as `sysctl` lines. */
export function raiseHostLimits(limits = HOST_LIMITS): string[] {
  const changed: string[] = [];
  for (const { file, min } of limits) {
    const now = Number(readFileSync(file, "utf8").trim());
    if (now >= min) continue;
    writeFileSync(file, String(min));
    changed.push(`${file.replace("/proc/sys/", "").replaceAll("/", ".")}: ${now} -> ${min}`);
  }
  return changed;
}
