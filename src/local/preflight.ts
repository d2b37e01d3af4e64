/**
 * Can this host run the local cloud? Named checks, all run, reported together, each naming
 * what is missing and how to get it (kubeadm's preflight, minus its single 40 KB file).
 */

import { existsSync, readFileSync } from "node:fs";
import { HostError } from "../errors.js";
import { type Exec, hostExec } from "../host/exec.js";
import { onPath } from "../host/path.js";

export interface PreflightProblem {
  readonly check: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly fix: string;
}

/** Programs the driver runs, and the Debian package each comes from. */
const PROGRAMS: readonly (readonly [string, string])[] = [
  ["ip", "iproute2"],
  ["nft", "nftables"],
  ["nsenter", "util-linux"],
  ["unshare", "util-linux"],
  ["losetup", "mount"],
  ["mount", "mount"],
  ["umount", "mount"],
  ["findmnt", "util-linux"],
  ["mountpoint", "util-linux"],
  ["hostname", "hostname"],
];

export async function checkLocalCloud(exec: Exec = hostExec): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  if (process.getuid?.() !== 0) {
    problems.push({
      check: "root",
      severity: "error",
      message: `the local cloud needs root (running as uid ${process.getuid?.()}): it creates network namespaces, bridges, nftables tables, mounts and loop devices`,
      fix: "run it as root (sudo onekube ...)",
    });
  }
  for (const [program, pkg] of PROGRAMS) {
    if (!onPath(program)) {
      problems.push({
        check: `program:${program}`,
        severity: "error",
        message: `${program} is not on PATH`,
        fix: `apt-get install ${pkg}`,
      });
    }
  }
  if (onPath("ip")) {
    const r = await exec.run("ip", ["netns", "list"], { allowFailure: true });
    if (r.exitCode !== 0) {
      problems.push({
        check: "ip-netns",
        severity: "error",
        message: `\`ip netns list\` failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`,
        fix: "install a current iproute2 on a kernel with network namespaces (CONFIG_NET_NS)",
      });
    }
  }
  if (!readFileSync("/proc/filesystems", "utf8").includes("\toverlay\n")) {
    problems.push({
      check: "overlayfs",
      severity: "error",
      message: "the kernel has no overlay filesystem (each VM's /dev is an overlay of the host's)",
      fix: "modprobe overlay, or use a kernel with CONFIG_OVERLAY_FS",
    });
  }
  if (!existsSync("/dev/loop-control")) {
    problems.push({
      check: "loop-devices",
      severity: "warning",
      message: "/dev/loop-control is missing: VMs with an extra disk (the storage role) cannot be created",
      fix: "modprobe loop, or give the container /dev/loop-control and /dev/loop*",
    });
  }
  return problems;
}

/** Throws one HostError listing every error (warnings are returned for the caller to print). */
export async function assertLocalCloud(exec: Exec = hostExec): Promise<PreflightProblem[]> {
  const problems = await checkLocalCloud(exec);
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) {
    throw new HostError(
      "local cloud preflight",
      errors.map((e) => e.check).join(", "),
      undefined,
      errors.map((e) => `[${e.check}] ${e.message}; fix: ${e.fix}`).join("\n"),
    );
  }
  return problems.filter((p) => p.severity === "warning");
}

export { onPath };
