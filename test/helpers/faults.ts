/**
 * Faults done to a local service, one at a time, each with its way back: a master's API server
 * and etcd frozen, a master's processes killed, a master rebooted, the endpoint's keepalived
 * killed, the endpoint VNF's network gone. `VipWatch` records which VNF holds the endpoint,
 * every 50 ms, to tell how long the address took to move.
 */
import { readFileSync } from "node:fs";
import { execa } from "execa";
import { namespaceName } from "../../src/local/names.js";
import { readVmRecord } from "../../src/local/vm-exec.js";
import { onekube } from "./cli.js";
import { parentOf, vmProcesses } from "./kubectl.js";

const comm = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
};

const signal = (pids: readonly number[], sig: NodeJS.Signals) => {
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      // gone already
    }
  }
};

export async function processesNamed(
  service: string,
  vm: number,
  names: readonly string[],
): Promise<number[]> {
  return (await vmProcesses(service, vm)).filter((p) => names.includes(comm(p)));
}

export interface Fault {
  readonly name: string;
  /** Does the fault; resolves with a function that undoes it. */
  readonly inject: () => Promise<() => Promise<void>>;
}

/** (a) kube-apiserver and etcd stopped (SIGSTOP): they hold their sockets and answer nothing. */
export const freezeMaster = (service: string, vm: number): Fault => ({
  name: `master ${vm}: kube-apiserver and etcd frozen (SIGSTOP)`,
  async inject() {
    const pids = await processesNamed(service, vm, ["kube-apiserver", "etcd"]);
    if (pids.length < 2) throw new Error(`VM ${vm}: kube-apiserver and etcd not found (${pids.join(",")})`);
    signal(pids, "SIGSTOP");
    return async () => signal(pids, "SIGCONT");
  },
});

/** (b) every process of the master killed but its agent, held still until the fault is undone. */
export const killMaster = (root: string, service: string, vm: number): Fault => ({
  name: `master ${vm}: every process killed (SIGKILL)`,
  async inject() {
    const init = readVmRecord(root, service, vm).pid;
    const all = await vmProcesses(service, vm);
    const agent = all.find((p) => parentOf(p) === init && comm(p) !== "sleep");
    if (agent === undefined) throw new Error(`VM ${vm}: no agent`);
    signal([agent], "SIGSTOP");
    signal(
      all.filter((p) => p !== init && p !== agent),
      "SIGKILL",
    );
    // Its supervisor restarts containerd and kubelet, and kubelet the static pods.
    return async () => signal([agent], "SIGCONT");
  },
});

/** (c) the master rebooted (`onekube reboot --hard`: a power cycle; it boots again by itself). */
export const rebootMaster = (env: Record<string, string>, service: string, vm: number): Fault => ({
  name: `master ${vm}: rebooted (power cycle)`,
  async inject() {
    const r = await onekube(["reboot", service, String(vm), "--hard"], env);
    if (r.code !== 0) throw new Error(`reboot ${vm}: ${r.stderr}`);
    return async () => {};
  },
});

/** (d) keepalived killed (SIGKILL: no goodbye advert) on the VNF holding the endpoint. */
export const killKeepalived = (service: string, vm: number): Fault => ({
  name: `vnf ${vm} (holder): keepalived killed (SIGKILL)`,
  async inject() {
    signal(await processesNamed(service, vm, ["keepalived"]), "SIGKILL");
    return async () => {};
  },
});

/** (e) the holder's network gone: its NIC down, then up again. */
export const unplugVnf = (service: string, vm: number): Fault => ({
  name: `vnf ${vm} (holder): its network link down`,
  async inject() {
    const ns = namespaceName(service, vm);
    await execa("ip", ["-n", ns, "link", "set", "eth0", "down"]);
    return async () => {
      await execa("ip", ["-n", ns, "link", "set", "eth0", "up"]);
    };
  },
});

/** Which VNF holds `vip`, polled every 50 ms from the VMs' namespaces. */
export class VipWatch {
  /** [time, holder ids] at every change. */
  readonly changes: { at: number; holders: number[] }[] = [];
  #running = true;
  readonly #done: Promise<void>;

  constructor(service: string, vnfs: readonly number[], vip: string) {
    this.#done = (async () => {
      let last = "";
      while (this.#running) {
        const held: number[] = [];
        for (const id of vnfs) {
          const r = await execa(
            "ip",
            ["-n", namespaceName(service, id), "-4", "-o", "addr", "show", "dev", "eth0"],
            {
              reject: false,
            },
          );
          if (r.stdout.includes(` ${vip}/`)) held.push(id);
        }
        const key = held.join(",");
        if (key !== last) this.changes.push({ at: Date.now(), holders: held });
        last = key;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }

  holders(): number[] {
    return this.changes.at(-1)?.holders ?? [];
  }

  /**
   * ms from `since` until a VNF other than `from` holds the address, if it happened. A keepalived
   * killed outright leaves the address on its VNF until it starts again (and, BACKUP, drops it);
   * meanwhile both serve the endpoint, so the move counts from the other's taking it.
   */
  movedAfter(since: number, from: number): number | undefined {
    const moved = this.changes.find((c) => c.at >= since && c.holders.some((h) => h !== from));
    return moved ? moved.at - since : undefined;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }
}
