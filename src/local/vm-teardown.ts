/**
 * Taking one VM apart, in the order that lets each step succeed: its processes first (the VM's
 * mounts live in their mount namespace and vanish with the last of them), then the loop device
 * (no longer held), then the veth pair and the namespace, then its directory. Every step
 * accepts that its resource is already gone, so this is also the crash cleanup for one VM.
 */
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Exec } from "../host/exec.js";
import { namespaceName, removedLog, removedLogDir, VM_MARKER, vethName, vmDir, vmMarker } from "./names.js";
import { killProcesses } from "./processes.js";
import { removeCgroupRoot } from "./vm-cgroups.js";
import { detachLoop, loopDevicesUnder } from "./vm-disk.js";
import { vmCgroupRoot } from "./vm-image.js";
import { removeLinkAndNamespace } from "./vm-net.js";

export interface TeardownOptions {
  /** The agent's process group, when known (from memory or the ledger, start time checked). */
  readonly groups?: readonly number[];
  readonly graceMs: number;
  /** First SIGTERM the agent alone and give it this long to end (a shutdown, not a power-off). */
  readonly agentGraceMs?: number;
}

/** The children of a VM's init: its agent (the init itself only waits for it). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const alive = (pid: number) => existsSync(`/proc/${pid}`);

/** The agent stops as a VM's services do at shutdown; whatever it leaves is killed after. */
async function stopAgent(init: number, graceMs: number): Promise<void> {
  const comm = (p: number) => {
    try {
      return readFileSync(`/proc/${p}/comm`, "utf8").trim();
    } catch {
      return "";
    }
  };
  // After the agent ended, the init holds the VM with a `sleep`: nothing to stop there.
  const agents = childrenOf(init).filter((p) => comm(p) !== "sleep");
  for (const pid of agents) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // gone already
    }
  }
  const deadline = Date.now() + graceMs;
  while (agents.some(alive) && Date.now() < deadline) await sleep(100);
}

/** Detaches every loop device backed by a file under `dir`, waiting for deferred detaches to finish. */
export async function detachLoopsUnder(exec: Exec, dir: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const devices = await loopDevicesUnder(exec, dir);
    if (devices.length === 0) return;
    // A device whose filesystem was mounted in the VM detaches once the kernel drops that mount.
    for (const d of devices) await detachLoop(exec, d);
    await sleep(attempt === 0 ? 0 : 50);
  }
}

export async function teardownVm(
  exec: Exec,
  root: string,
  service: string,
  id: number,
  options: TeardownOptions,
): Promise<void> {
  const ns = namespaceName(service, id);
  if (options.agentGraceMs)
    for (const init of options.groups ?? []) await stopAgent(init, options.agentGraceMs);
  await killProcesses(
    exec,
    { namespaces: [ns], groups: options.groups ?? [], markers: [`${VM_MARKER}=${vmMarker(service, id)}`] },
    { graceMs: options.graceMs, operation: `stop VM ${id}` },
  );
  const left = await removeCgroupRoot(vmCgroupRoot(ns));
  if (left.length > 0) throw new Error(`stop VM ${id}: cgroups still busy: ${left.join(", ")}`);
  const dir = vmDir(root, service, id);
  // The agent's log outlives its VM: what a VM did on its way out is read after it is gone.
  await mkdir(removedLogDir(root, service), { recursive: true });
  await copyFile(join(dir, "agent.log"), removedLog(root, service, id)).catch(() => {});
  await detachLoopsUnder(exec, dir);
  await removeLinkAndNamespace(exec, vethName(service, id), ns);
  await rm(dir, { recursive: true, force: true });
}
