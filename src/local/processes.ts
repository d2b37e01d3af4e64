/**
 * Finding and ending every process of a VM. A VM's processes are not one tree: containerd's
 * shims re-parent to the host's init, and containers live in pod network namespaces. So the
 * set is closed over: the VM namespace's processes, the agent's process group, processes
 * carrying the VM's environment marker, and every descendant of any of them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { HostError } from "../errors.js";
import type { Exec } from "../host/exec.js";

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly start: string;
}

/** Fields of /proc/PID/stat after the command name (which may itself hold spaces and parentheses). */
function readStat(pid: number): (ProcInfo & { zombie: boolean }) | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return {
      pid,
      ppid: Number(rest[1]),
      pgrp: Number(rest[2]),
      start: rest[19] ?? "",
      zombie: rest[0] === "Z" || rest[0] === "X",
    };
  } catch {
    return undefined; // gone already
  }
}

/** The start time (clock ticks since boot) that tells a process from a later one with the same pid. */
export function processStart(pid: number): string | undefined {
  return readStat(pid)?.start;
}

/** Live (non-zombie) processes. */
function processTable(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const info = readStat(Number(name));
    if (info && !info.zombie) out.push(info);
  }
  return out;
}

function hasMarker(pid: number, markers: readonly string[]): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    return env.some((e) => markers.some((m) => e === m || (m.endsWith("-") && e.startsWith(m))));
  } catch {
    return false;
  }
}

export interface ProcessSeeds {
  /** Network namespaces (names under /run/netns) whose processes belong to the VM(s). */
  readonly namespaces: readonly string[];
  /** Process groups: the VMs' inits (each init leads its own, and its agent is in it). */
  readonly groups: readonly number[];
  /** `NAME=value` environment entries, or `NAME=prefix-` to match by prefix. */
  readonly markers: readonly string[];
}

export async function findProcesses(exec: Exec, seeds: ProcessSeeds): Promise<number[]> {
  const inNamespaces = await Promise.all(
    seeds.namespaces.map(async (ns) => {
      const r = await exec.run("ip", ["netns", "pids", ns], { allowFailure: true });
      return r.exitCode === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
    }),
  );
  const table = processTable();
  const alive = new Set(table.map((p) => p.pid));
  const found = new Set<number>(inNamespaces.flat().filter((pid) => alive.has(pid)));
  for (const p of table) {
    if (seeds.groups.includes(p.pgrp) || (seeds.markers.length > 0 && hasMarker(p.pid, seeds.markers))) {
      found.add(p.pid);
    }
  }
  // Close over descendants: a child forked before we looked is as much the VM's as its parent.
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  // Never ourselves or init, whatever a marker or a group says.
  found.delete(process.pid);
  found.delete(1);
  return [...found].sort((a, b) => a - b);
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * SIGTERM, a grace period, then SIGKILL until nothing is left (a process may fork while we
 * look). Throws a HostError naming the survivors if some will not die.
 */
export async function killProcesses(
  exec: Exec,
  seeds: ProcessSeeds,
  options: { readonly graceMs: number; readonly operation: string },
): Promise<void> {
  let pids = await findProcesses(exec, seeds);
  if (pids.length === 0) return;
  signalAll(pids, "SIGTERM");
  const termDeadline = Date.now() + options.graceMs;
  while (pids.length > 0 && Date.now() < termDeadline) {
    await sleep(25);
    pids = await findProcesses(exec, seeds);
  }
  const killDeadline = Date.now() + 5_000;
  while (pids.length > 0) {
    signalAll(pids, "SIGKILL");
    if (Date.now() > killDeadline) {
      throw new HostError(
        options.operation,
        `kill -KILL ${pids.join(" ")}`,
        undefined,
        "processes survive SIGKILL",
      );
    }
    await sleep(25);
    pids = await findProcesses(exec, seeds);
  }
}
