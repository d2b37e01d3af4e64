/**
 * Real VMs booted from the appliance image under QEMU, on a bridge inside a network namespace
 * the lab creates (addresses exist only there), with the embedded OneGate listening on the
 * bridge and a context CD per VM made as OpenNebula makes it. Each VM boots from its own qcow2
 * overlay, so the built image is never written.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Accel, hostAccel, qemuArgv } from "../../src/appliance/qemu/argv.js";
import { makeContextIso } from "../../src/appliance/qemu/iso.js";
import { makeSshKey } from "../../src/cli/cloud/ssh-key.js";
import { type ExecResult, hostExec } from "../../src/host/exec.js";
import { NetnsLab } from "./netns-lab.js";
import { type LabService, type LabUpdate, type LabVm, labToken } from "./onegate-lab.js";

const ONEGATE_LAB = join(dirname(fileURLToPath(import.meta.url)), "onegate-lab.js");

export interface LabNetwork {
  /** The first three octets, e.g. "10.77.0". */
  readonly prefix: string;
  readonly gateway: string;
}

export interface BootedVm {
  readonly vm: LabVm;
  readonly serialLog: string;
  readonly started: number;
  readonly process: ChildProcess;
}

export class QemuLab {
  readonly net = new NetnsLab();
  readonly dir = mkdtempSync(join(tmpdir(), "onekube-qemu-"));
  readonly key = join(this.dir, "id_ed25519");
  readonly accel: Accel = hostAccel();
  ns = "";
  network: LabNetwork = { prefix: "10.77.0", gateway: "10.77.0.1" };
  readonly updates: LabUpdate[] = [];
  readonly vms: BootedVm[] = [];
  #service?: LabService;
  #onegate?: ReturnType<NetnsLab["start"]>;

  /** The namespace, its bridge with the gateway address, and the SSH key the VMs will trust. */
  async setUp(): Promise<void> {
    this.ns = await this.net.namespace("qemu");
    const ip = (...a: string[]) => hostExec.run("ip", ["-n", this.ns, ...a], { operation: "lab network" });
    await ip("link", "add", "br0", "type", "bridge");
    await ip("addr", "add", `${this.network.gateway}/24`, "dev", "br0");
    await ip("link", "set", "br0", "up");
    await makeSshKey(hostExec, this.key, "onekube-qemu-lab");
  }

  publicKey(): string {
    return readFileSync(`${this.key}.pub`, "utf8").trim();
  }

  /** Starts OneGate for `vms` (their roles, addresses and MACs) on the bridge. */
  async startOneGate(vms: readonly LabVm[], serviceId = 7): Promise<string> {
    const service: LabService = {
      serviceId,
      tokenPassword: "0123456789abcdef0123456789abcdef",
      stime: 1765000000,
      vms,
      listen: { host: this.network.gateway, port: 5030 },
    };
    this.#service = service;
    const config = join(this.dir, "onegate.json");
    writeFileSync(config, JSON.stringify(service));
    this.#onegate = this.net.start(this.ns, process.execPath, [ONEGATE_LAB, config]);
    const url = await this.waitFor("OneGate to listen", 20_000, async () => {
      const line = this.#onegate
        ?.output()
        .split("\n")
        .find((l) => l.includes('"listening"'));
      return line ? (JSON.parse(line) as { listening: string }).listening : undefined;
    });
    return url;
  }

  /** Every update the VMs published so far. */
  published(): LabUpdate[] {
    return (this.#onegate?.output() ?? "")
      .split("\n")
      .filter((l) => l.startsWith('{"vm"'))
      .map((l) => JSON.parse(l) as LabUpdate);
  }

  /** The context OpenNebula would give `vm` (NETWORK=YES, TOKEN=YES), with `extra` variables. */
  contextOf(vm: LabVm, extra: Readonly<Record<string, string>>): Record<string, string> {
    return {
      NETWORK: "YES",
      TOKEN: "YES",
      VMID: String(vm.id),
      ONEGATE_ENDPOINT: `http://${this.network.gateway}:5030`,
      SSH_PUBLIC_KEY: this.publicKey(),
      ETH0_IP: vm.ip,
      ETH0_MAC: vm.mac,
      ETH0_MASK: "255.255.255.0",
      ETH0_NETWORK: `${this.network.prefix}.0`,
      ETH0_GATEWAY: this.network.gateway,
      ETH0_DNS: this.network.gateway,
      ETH0_MTU: "",
      ETH0_SEARCH_DOMAIN: "",
      ...extra,
    };
  }

  /** Boots `vm` from an overlay of `image`, its context CD attached, its NIC on a new tap. */
  async boot(
    image: string,
    vm: LabVm,
    extra: Readonly<Record<string, string>> = {},
    size: { readonly cpus?: number; readonly memoryMb?: number } = {},
  ): Promise<BootedVm> {
    const service = this.#service;
    if (!service) throw new Error("start OneGate first");
    const overlay = join(this.dir, `vm${vm.id}.qcow2`);
    await hostExec.run("qemu-img", ["create", "-q", "-f", "qcow2", "-b", image, "-F", "qcow2", overlay]);
    const iso = join(this.dir, `vm${vm.id}-context.iso`);
    await makeContextIso(hostExec, { vars: this.contextOf(vm, extra), token: labToken(service, vm.id) }, iso);
    const tap = `tap${vm.id}`;
    const ip = (...a: string[]) =>
      hostExec.run("ip", ["-n", this.ns, ...a], { operation: `tap for VM ${vm.id}` });
    await ip("tuntap", "add", "dev", tap, "mode", "tap");
    await ip("link", "set", tap, "master", "br0");
    await ip("link", "set", tap, "up");
    const serialLog = join(this.dir, `vm${vm.id}-serial.log`);
    const [file, ...args] = qemuArgv({
      disk: overlay,
      cdrom: iso,
      nics: [{ tap, mac: vm.mac }],
      memoryMb: size.memoryMb ?? 1536,
      cpus: size.cpus ?? 2,
      serialLog,
      accel: this.accel,
    });
    const child = spawn("ip", ["netns", "exec", this.ns, file as string, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("exit", (code) => {
      if (code) process.stderr.write(`qemu of VM ${vm.id} ended with ${code}: ${stderr}\n`);
    });
    const booted = { vm, serialLog, started: Date.now(), process: child };
    this.vms.push(booted);
    return booted;
  }

  /**
   * A host on the bridge that is not a VM: a namespace of its own at `ip` (a veth whose other end
   * is a port of the bridge), its default route via `gateway`.
   */
  async host(name: string, ip: string, gateway: string): Promise<string> {
    const ns = await this.net.namespace(name);
    const port = `p-${name}`.slice(0, 15);
    await this.net.link(this.ns, port, [], ns, "eth0", [`${ip}/24`]);
    await hostExec.run("ip", ["-n", this.ns, "link", "set", port, "master", "br0"]);
    await this.net.route(ns, "default", gateway);
    return ns;
  }

  /** A command on `ip` as root over SSH, from the lab's namespace, with the lab's key. */
  ssh(ip: string, command: string, timeoutMs = 60_000): Promise<ExecResult> {
    return hostExec.run(
      "ip",
      [
        "netns",
        "exec",
        this.ns,
        "ssh",
        "-i",
        this.key,
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "ConnectTimeout=5",
        `root@${ip}`,
        command,
      ],
      { allowFailure: true, timeoutMs },
    );
  }

  /** Runs `probe` until it returns a value, every second, for at most `ms`. */
  async waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  serialTail(vm: BootedVm, bytes = 3000): string {
    return existsSync(vm.serialLog) ? readFileSync(vm.serialLog, "utf8").slice(-bytes) : "";
  }

  async cleanup(): Promise<void> {
    for (const vm of this.vms) if (vm.process.exitCode === null) vm.process.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 500));
    await this.net.cleanup();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
