/**
 * Rebooting a local VM, as `onevm reboot` does to a real one: its disk, addresses and
 * OneFlow state stay; every process of it ends, and it boots again (root's SSH key, sshd, then
 * the agent) from an empty /run. The VM's init (vm-init.ts) holds its namespaces throughout and
 * does the boot once told: the mark `<vm>/reboot` says "down" while processes are being killed,
 * "up" once none is left. A soft reboot first gives the agent an ACPI shutdown's time to stop.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HostError } from "../errors.js";
import type { Exec } from "../host/exec.js";
import { namespaceName, VM_MARKER, vmDir, vmMarker } from "./names.js";
import { findProcesses, processStart } from "./processes.js";
import { readVmRecord } from "./vm-exec.js";

export interface RebootOptions {
  /** A power cycle: no time for the agent to stop. */
  readonly hard: boolean;
  /** How long a soft reboot waits for the agent (default 180 s, as a shutdown). */
  readonly graceMs?: number;
}

function agentOf(init: number): number[] {
  try {
    return readFileSync(`/proc/${init}/task/${init}/children`, "utf8")
      .split(" ")
      .filter(Boolean)
      .map(Number)
      .filter((p) => readFileSync(`/proc/${p}/comm`, "utf8").trim() !== "sleep");
  } catch {
    return [];
  }
}

export async function rebootVm(
  exec: Exec,
  root: string,
  service: string,
  id: number,
  options: RebootOptions,
): Promise<void> {
  const record = readVmRecord(root, service, id);
  const operation = `reboot VM ${id}`;
  if (processStart(record.pid) !== record.start)
    throw new HostError(operation, `nsenter -t ${record.pid}`, undefined, "the VM is not running");
  const mark = join(vmDir(root, service, id), "reboot");
  if (existsSync(mark)) throw new HostError(operation, `test -e ${mark}`, undefined, "a reboot is under way");
  writeFileSync(mark, "down");
  try {
    if (!options.hard) {
      for (const pid of agentOf(record.pid)) process.kill(pid, "SIGTERM");
      const deadline = Date.now() + (options.graceMs ?? 180_000);
      while (agentOf(record.pid).some((p) => existsSync(`/proc/${p}`)) && Date.now() < deadline)
        await sleep(100);
    }
    const seeds = {
      namespaces: [namespaceName(service, id)],
      groups: [],
      markers: [`${VM_MARKER}=${vmMarker(service, id)}`],
    };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const left = (await findProcesses(exec, seeds)).filter((p) => p !== record.pid);
      // The init's own short sleeps while it waits are not the VM's processes.
      const vm = left.filter((p) => !(readComm(p) === "sleep" && parentOf(p) === record.pid));
      if (vm.length === 0) break;
      if (Date.now() > deadline)
        throw new HostError(operation, `kill -KILL ${vm.join(" ")}`, undefined, "processes survive SIGKILL");
      for (const pid of vm) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone already
        }
      }
      await sleep(50);
    }
  } finally {
    writeFileSync(mark, "up");
  }
}

function readComm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}
