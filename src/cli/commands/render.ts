import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { ADDON_NAMES } from "../../k8s/addons.js";
import { loadAddonManifests } from "../../k8s/manifests.js";
import { type LbMode, renderRole } from "../../render/role.js";
import { ADDON_MANIFESTS } from "../../versions.js";
import type { Io } from "../io.js";
import { parseIntOption, parseIpList, parseRole } from "../options.js";
import { addConfigOptions, type ConfigOptions, loadConfig } from "./validate.js";

// kubeadm's documented example values: valid in form, obviously not secrets.
const PLACEHOLDER = {
  token: "abcdef.0123456789abcdef",
  caCertHash: "0".repeat(64),
  certificateKey: "0".repeat(64),
};

interface RenderOptions extends ConfigOptions {
  masters: string;
  out: string;
  ip?: string;
  vnfs?: string;
  interface: string;
  prefix: string;
  vrid: string;
  lb: string;
  manifests?: string;
  token?: string;
  caHash?: string;
  certificateKey?: string;
}

export function registerRender(program: Command, io: Io): void {
  addConfigOptions(program.command("render").argument("<role>", "vnf, master, worker or storage"))
    .description("write every file and manifest a VM of ROLE would write, under --out DIR")
    .requiredOption("--masters <ips>", "the master VMs' addresses, comma-separated")
    .requiredOption("--out <dir>", "directory to write into")
    .option("--ip <ip>", "this VM's address (default: the first master, or the first --vnfs for vnf)")
    .option("--vnfs <ips>", "the vnf VMs' addresses, comma-separated (unicast VRRP peers)")
    .option("--interface <name>", "the VM's service interface", "eth0")
    .option("--prefix <n>", "prefix length of the service network", "24")
    .option("--vrid <n>", "VRRP virtual router id", "1")
    .option("--lb <mode>", "vnf load balancer: lvs (keepalived virtual_server) or haproxy", "lvs")
    .option(
      "--manifests <dir>",
      `directory holding the pinned upstream manifests (${ADDON_MANIFESTS.canal.file}, ...)`,
    )
    .option("--token <token>", "bootstrap token (default: a placeholder)")
    .option("--ca-hash <hex>", "CA certificate hash, 64 hex digits (default: a placeholder)")
    .option("--certificate-key <hex>", "control-plane certificate key (default: a placeholder)")
    .action(async (roleArg: string, opts: RenderOptions) => {
      const role = parseRole(roleArg);
      if (opts.lb !== "lvs" && opts.lb !== "haproxy")
        throw new UsageError(`--lb: expected lvs or haproxy, got ${JSON.stringify(opts.lb)}`);
      const masters = parseIpList("--masters", opts.masters);
      const vnfs = opts.vnfs ? parseIpList("--vnfs", opts.vnfs) : [];
      const self = opts.ip ? parseIpList("--ip", opts.ip)[0] : role === "vnf" ? vnfs[0] : masters[0];
      if (!self)
        throw new UsageError(
          role === "vnf" ? "vnf needs --ip or --vnfs" : "--masters needs at least one address",
        );
      const { config } = await loadConfig(opts, io, role);
      const dir = role === "master" ? opts.manifests : undefined;
      const manifests = dir ? await loadAddonManifests(dir) : undefined;
      const placeholders = !opts.token || !opts.caHash || !opts.certificateKey;
      const files = renderRole(role, config, {
        selfAddress: self,
        masters,
        vnfs,
        interface: opts.interface,
        prefix: parseIntOption("--prefix", opts.prefix, 1, 32),
        virtualRouterId: parseIntOption("--vrid", opts.vrid, 1, 255),
        lbMode: opts.lb as LbMode,
        join: {
          token: opts.token ?? PLACEHOLDER.token,
          caCertHash: opts.caHash ?? PLACEHOLDER.caCertHash,
          certificateKey: opts.certificateKey ?? PLACEHOLDER.certificateKey,
        },
        ...(manifests ? { manifests } : {}),
        criSocket: "unix:///run/containerd/containerd.sock",
      });
      const out = resolve(opts.out);
      for (const file of files) {
        const target = join(out, file.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.content, { mode: file.mode ?? 0o644 });
        // writeFile's mode applies only to a new file; a re-render must not leave secrets readable.
        await chmod(target, file.mode ?? 0o644);
        io.out(
          `wrote ${target} (${Buffer.byteLength(file.content)} bytes, mode ${(file.mode ?? 0o644).toString(8)})\n`,
        );
      }
      if (role === "master" && !manifests)
        io.err(
          `note: addons/canal.yaml not written and Longhorn's and MetalLB's upstream objects left out; pass --manifests DIR holding ${ADDON_NAMES.map((n) => ADDON_MANIFESTS[n].file).join(", ")}\n`,
        );
      if (role !== "vnf" && placeholders)
        io.err(
          "note: join material is a placeholder; pass --token, --ca-hash and --certificate-key for real values\n",
        );
    });
}
