/**
 * Every name the local cloud gives to a host resource, in one place, so that creation and the
 * crash-proof sweep of src/local/cleanup.ts can never disagree. Linux caps interface names at
 * 15 characters (IFNAMSIZ - 1), which bounds the service key and the VM id.
 */
import { join } from "node:path";
import { UsageError } from "../errors.js";

/** A service key: lower-case letters and digits, short enough for `okb<svc>-<id>`. */
const SERVICE_KEY = /^[a-z0-9]{1,6}$/;
/** VM ids up to 99999 keep the host-side veth name within 15 characters. */
const MAX_VM_ID = 99_999;

export function checkServiceKey(service: string): string {
  if (!SERVICE_KEY.test(service)) {
    throw new UsageError(
      `local cloud service key ${JSON.stringify(service)} must be 1-6 lower-case letters or digits (it is part of interface names, which Linux limits to 15 characters)`,
    );
  }
  return service;
}

export function checkVmId(id: number): number {
  if (!Number.isInteger(id) || id < 0 || id > MAX_VM_ID) {
    throw new UsageError(`local cloud VM id ${id} must be an integer from 0 to ${MAX_VM_ID}`);
  }
  return id;
}

/** The network namespace of a VM: `onekube-<svc>-<id>`. */
export const namespaceName = (service: string, id: number) => `onekube-${service}-${id}`;
/** Matches the namespaces of one service only (the id is digits, the key has no dash). */
export const namespacePattern = (service: string) => new RegExp(`^onekube-${service}-\\d+$`);

/** The service's bridge: `okb-<svc>` (at most 10 characters). */
export const bridgeName = (service: string) => `okb-${service}`;

/** Host end of a VM's veth pair: `okb<svc>-<id>` (at most 15 characters); the VM end is eth0. */
export const vethName = (service: string, id: number) => `okb${service}-${id}`;
export const vethPattern = (service: string) => new RegExp(`^okb${service}-\\d+$`);

/** The nftables table of a service (family inet), apart from every rule the host has. */
export const nftTableName = (service: string) => `onekube_${service}`;

/** The service's state: `<root>/services/<svc>/` with the ledger and one directory per VM. */
export const serviceDir = (root: string, service: string) => join(root, "services", service);
export const ledgerPath = (root: string, service: string) => join(serviceDir(root, service), "ledger.jsonl");
export const vmDir = (root: string, service: string, id: number) =>
  join(serviceDir(root, service), "vms", String(id));

/** Set in the agent's environment so that a sweep of /proc finds a VM's processes. */
/** Where the agent log of a removed VM is kept. */
export const removedLogDir = (root: string, service: string) => join(serviceDir(root, service), "removed");
export const removedLog = (root: string, service: string, id: number) =>
  join(removedLogDir(root, service), `vm-${id}.agent.log`);
export const VM_MARKER = "ONEKUBE_LOCAL_VM";
export const vmMarker = (service: string, id: number) => `${service}-${id}`;

/** OpenNebula's MAC for an address: `02:00:` followed by the four bytes of the IPv4 address. */
export function macForIp(ip: string): string {
  const bytes = ip.split(".").map((b) => Number(b).toString(16).padStart(2, "0"));
  return ["02", "00", ...bytes].join(":");
}
