/**
 * The local cloud's VmDriver: each VM is a network namespace on the service bridge, with a
 * private mount and UTS namespace held by a small init that runs the agent, its context "CD"
 * at /mnt/context and an optional loop-device disk (vm-create.ts builds one). This class keeps
 * the books: addresses, running VMs, exit reports. The agent is never restarted here (the
 * engine decides); a ledger written before every change lets cleanupService undo a creator
 * that was killed.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { type Exec, type ExecResult, hostExec } from "../host/exec.js";
import type { Ipv4Cidr } from "../params/types.js";
import { logTail } from "./agent-process.js";
import { cleanupService } from "./cleanup.js";
import type { VmDriver, VmExit, VmHandle, VmSpec } from "./driver.js";
import { Ledger } from "./ledger.js";
import { checkServiceKey, checkVmId, ledgerPath, vmDir } from "./names.js";
import { createServiceNetwork, FIRST_VM_OFFSET, hostAddress, type ServiceNetwork } from "./network.js";
import { processStart } from "./processes.js";
import { type BuiltVm, buildVm } from "./vm-create.js";
import { growDisk } from "./vm-disk.js";
import { execInVm } from "./vm-exec.js";
import { localVmImage, type VmImage } from "./vm-image.js";
import { teardownVm } from "./vm-teardown.js";

/** `node <repo>/bin/onekube.js agent`, from dist/src/local/ three levels up to the repository. */
const DEFAULT_AGENT = [
  process.execPath,
  join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bin", "onekube.js"),
  "agent",
];

export interface NetnsDriverOptions {
  /** State root; the service lives in `<root>/services/<service>/`. */
  readonly root: string;
  /** Short key of the service (1-6 of [a-z0-9]): part of every name the driver gives. */
  readonly service: string;
  /** The service network; default: the first /24 of 172.16.0.0/12 free on this host. */
  readonly cidr?: string;
  /** Networks never to use (default: Kubernetes' default pod and service networks). */
  readonly avoid?: readonly Ipv4Cidr[];
  /** The agent's argv, or a function of the VM (default: `node bin/onekube.js agent`). */
  readonly agent?: readonly string[] | ((spec: VmSpec) => readonly string[]);
  /** ONEGATE_ENDPOINT in each context (default `http://<gateway>:5030`). */
  readonly onegateEndpoint?: (gateway: string) => string;
  readonly dns?: string;
  /** How long a VM's processes may take to end after SIGTERM before SIGKILL (default 3000 ms). */
  readonly stopGraceMs?: number;
  /**
   * How long a VM's agent may take to stop on its own before its VM is torn down (an ACPI
   * shutdown's time limit: a Kubernetes node leaving a scale-down drains first). Default 180 s.
   */
  readonly shutdownGraceMs?: number;
  readonly exec?: Exec;
  /** The binaries and platform variables every VM gets (default: the build cache's, see vm-image.ts). */
  readonly image?: VmImage;
}

interface LocalVm extends BuiltVm {
  /** Set before the driver itself stops the VM: such an exit is not news to the engine. */
  stopping: boolean;
}

export class NetnsDriver implements VmDriver {
  readonly #vms = new Map<number, LocalVm>();
  /** Address offset of every VM id, taken before the first await of create() so no two VMs share one. */
  readonly #offsets = new Map<number, number>();
  readonly #building = new Map<number, Promise<BuiltVm>>();
  readonly #listeners: ((exit: VmExit) => void)[] = [];
  readonly #ledger: Ledger;

  private constructor(
    readonly options: NetnsDriverOptions,
    readonly network: ServiceNetwork,
    private readonly host: Exec,
  ) {
    this.#ledger = new Ledger(ledgerPath(options.root, options.service));
  }

  /** Creates the service network (bridge, nftables table); call `close()` to remove everything. */
  static async open(options: NetnsDriverOptions): Promise<NetnsDriver> {
    checkServiceKey(options.service);
    const exec = options.exec ?? hostExec;
    const ledger = new Ledger(ledgerPath(options.root, options.service));
    const network = await createServiceNetwork(exec, ledger, {
      service: options.service,
      ...(options.cidr === undefined ? {} : { cidr: options.cidr }),
      ...(options.avoid === undefined ? {} : { avoid: options.avoid }),
    });
    return new NetnsDriver(options, network, exec);
  }

  onExit(listener: (exit: VmExit) => void): void {
    this.#listeners.push(listener);
  }

  vm(id: number): VmHandle | undefined {
    return this.#vms.get(id)?.handle;
  }

  async create(spec: VmSpec): Promise<VmHandle> {
    const { root, service } = this.options;
    const id = checkVmId(spec.id);
    if (this.#offsets.has(id)) throw new UsageError(`VM ${id} exists already in local service ${service}`);
    const offset = this.#freeOffset();
    this.#offsets.set(id, offset);
    const gateway = this.network.gateway;
    const agent = typeof this.options.agent === "function" ? this.options.agent(spec) : this.options.agent;
    const building = buildVm(spec, {
      exec: this.host,
      ledger: this.#ledger,
      network: this.network,
      service,
      dir: vmDir(root, service, id),
      ip: hostAddress(this.network, offset),
      context: {
        onegateEndpoint: this.options.onegateEndpoint?.(gateway) ?? `http://${gateway}:5030`,
        ...(this.options.dns === undefined ? {} : { dns: this.options.dns }),
      },
      agent: agent ?? DEFAULT_AGENT,
      image: this.options.image ?? localVmImage(),
    });
    this.#building.set(id, building);
    try {
      const built = await building;
      const vm: LocalVm = { ...built, stopping: false };
      this.#vms.set(id, vm);
      void built.agentExited.then((exit) => {
        if (vm.stopping) return;
        const report: VmExit = { id, ...exit, logTail: logTail(join(vmDir(root, service, id), "agent.log")) };
        for (const listener of this.#listeners) {
          // A failing listener must not become an unhandled rejection that ends the daemon.
          try {
            listener(report);
          } catch (error) {
            process.stderr.write(`[driver] exit listener failed: ${String(error)}\n`);
          }
        }
      });
      return built.handle;
    } catch (error) {
      await teardownVm(this.host, root, service, id, { graceMs: 0 }).catch(() => {});
      this.#offsets.delete(id);
      throw error;
    } finally {
      this.#building.delete(id);
    }
  }

  async destroy(id: number): Promise<void> {
    // A VM still being built is finished first, so that teardown sees all of it.
    await this.#building.get(id)?.catch(() => {});
    const vm = this.#vms.get(id);
    if (vm) vm.stopping = true;
    const groups = vm && processStart(vm.pid) === vm.start ? [vm.pid] : [];
    await teardownVm(this.host, this.options.root, this.options.service, id, {
      groups,
      graceMs: this.options.stopGraceMs ?? 3000,
      agentGraceMs: this.options.shutdownGraceMs ?? 180_000,
    });
    this.#vms.delete(id);
    this.#offsets.delete(id);
  }

  /** Grows the VM's extra disk, as OpenNebula's disk resize does; the VM sees the new size at once. */
  async resizeDisk(id: number, sizeMb: number): Promise<void> {
    const vm = this.#vms.get(id);
    if (!vm?.handle.loopDevice || !vm.diskFile) throw new UsageError(`VM ${id} has no extra disk to resize`);
    await growDisk(this.host, vm.handle.loopDevice, vm.diskFile, sizeMb);
  }

  /** Runs argv inside the VM (its mount, UTS and network namespaces). */
  exec(id: number, argv: readonly string[], options: { readonly input?: string } = {}): Promise<ExecResult> {
    return execInVm(this.options.root, this.options.service, id, argv, { ...options, exec: this.host });
  }

  /** Destroys every VM and the service network, and removes the service's state. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#building.values());
    for (const vm of this.#vms.values()) vm.stopping = true;
    await cleanupService(this.options.root, this.options.service, {
      exec: this.host,
      graceMs: this.options.stopGraceMs ?? 3000,
    });
    this.#vms.clear();
    this.#offsets.clear();
  }

  #freeOffset(): number {
    const used = new Set(this.#offsets.values());
    let offset = FIRST_VM_OFFSET;
    while (used.has(offset)) offset++;
    if (offset >= 2 ** (32 - this.network.cidr.prefix) - 1) {
      throw new UsageError(`no free address left for a VM in the local network ${this.network.cidr.address}`);
    }
    return offset;
  }
}
