/**
 * The context "CD" of a local VM: context.sh and token.txt as OpenNebula writes them. Besides
 * the VM template's CONTEXT (the spec's), the core adds the NIC's variables, VMID and the
 * OneGate endpoint (reference §2.1-2.2); those are facts of the VM and win over the spec.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { formatContext } from "../params/context.js";
import { nodeName } from "../render/names.js";
import type { VmNic, VmSpec } from "./driver.js";
import type { ServiceNetwork } from "./network.js";

/** Where the context appears inside a VM: the contextualization package mounts the CD here. */
export const CONTEXT_MOUNT = "/mnt/context";
/** The extra disk's path inside the VM when the context does not name one (the appliance's default). */
export const DEFAULT_STORAGE_DEVICE = "/dev/vdb";

export interface ContextOptions {
  readonly onegateEndpoint: string;
  /** ETH0_DNS: empty, as for a virtual network without a DNS attribute, unless given. */
  readonly dns?: string;
}

export function vmContextVars(
  spec: VmSpec,
  nic: VmNic,
  net: ServiceNetwork,
  options: ContextOptions,
): Record<string, string> {
  const defaults = {
    ONEGATE_ENDPOINT: options.onegateEndpoint,
    SET_HOSTNAME: nodeName(nic.ip),
    NETWORK: "YES",
  };
  const facts = {
    VMID: String(spec.id),
    TOKEN: "YES",
    DISK_ID: "1",
    TARGET: "hdb",
    ETH0_IP: nic.ip,
    ETH0_MAC: nic.mac,
    ETH0_MASK: net.mask,
    ETH0_NETWORK: net.cidr.address,
    ETH0_GATEWAY: net.gateway,
    ETH0_DNS: options.dns ?? "",
  };
  return { ...defaults, ...spec.context, ...facts };
}

/** The hostname the VM sets for itself, as the context package would from SET_HOSTNAME. */
export function vmHostname(vars: Readonly<Record<string, string>>, ip: string): string {
  return vars.SET_HOSTNAME || nodeName(ip);
}

export function storageDevice(vars: Readonly<Record<string, string>>): string {
  const device = vars.ONEAPP_STORAGE_DEVICE || DEFAULT_STORAGE_DEVICE;
  // The VM's /dev is an overlay of the host's: only a name under it can be created privately.
  if (!/^\/dev\/[A-Za-z0-9._-]+$/.test(device)) {
    throw new ConfigError([
      {
        code: "local_storage_device",
        param: "ONEAPP_STORAGE_DEVICE",
        value: device,
        message: "the local cloud exposes the extra disk only as /dev/NAME (e.g. /dev/vdb)",
        severity: "error",
      },
    ]);
  }
  return device;
}

/** Writes `<dir>/context.sh` and `<dir>/token.txt` (0600: both may hold secrets). */
export async function writeContextDir(dir: string, vars: Readonly<Record<string, string>>, token: string) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, "context.sh"), formatContext(vars), { mode: 0o600 });
  await writeFile(join(dir, "token.txt"), `${token}\n`, { mode: 0o600 });
  await chmod(dir, 0o700);
}
