/**
 * Taking one VM apart, in the order that lets each step succeed: its processes first (the VM's
 * mounts live in their mount namespace and vanish with the last of them), then the loop device
 * (no longer held), then the veth pair and the namespace, then its directory. Every step
 * accepts that its resource is already gone, so this is also the crash cleanup for one VM.
 */
import { rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { Exec } from "../host/exec.js";
import { namespaceName, VM_MARKER, vethName, vmDir, vmMarker } from "./names.js";
import { killProcesses } from "./processes.js";
import { removeCgroupRoot } from "./vm-cgroups.js";
import { detachLoop, loopDevicesUnder } from "./vm-disk.js";
import { vmCgroupRoot } from "./vm-image.js";
import { removeLinkAndNamespace } from "./vm-net.js";

export interface TeardownOptions {
  /** The agent's process group, when known (from memory or the ledger, start time checked). */
  readonly groups?: readonly number[];
  readonly graceMs: number;
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
  await killProcesses(
    exec,
    { namespaces: [ns], groups: options.groups ?? [], markers: [`${VM_MARKER}=${vmMarker(service, id)}`] },
    { graceMs: options.graceMs, operation: `stop VM ${id}` },
  );
  const left = await removeCgroupRoot(vmCgroupRoot(ns));
  if (left.length > 0) throw new Error(`stop VM ${id}: cgroups still busy: ${left.join(", ")}`);
  const dir = vmDir(root, service, id);
  await detachLoopsUnder(exec, dir);
  await removeLinkAndNamespace(exec, vethName(service, id), ns);
  await rm(dir, { recursive: true, force: true });
}
