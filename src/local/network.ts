/**
 * The service network: one Linux bridge holding the gateway address, and one nftables table of
 * our own that keeps the VMs on their bridge. Nothing else of the host's is changed: the table
 * is separate from every other table (deleting it restores the host exactly), and no sysctl is
 * written (VMs talk to each other at layer 2, and to the host's gateway address only).
 */
import { HostError } from "../errors.js";
import type { Exec } from "../host/exec.js";
import { cidrToString, intToIpv4, ipv4ToInt, maskOf } from "../params/ipv4.js";
import type { Ipv4Cidr } from "../params/types.js";
import type { Ledger } from "./ledger.js";
import { bridgeName, macForIp, nftTableName } from "./names.js";
import { chooseSubnet, hostPrefixes } from "./subnet.js";

export interface ServiceNetwork {
  /** OpenNebula's name of the network, as a NIC's NETWORK reads it. */
  readonly name: string;
  readonly cidr: Ipv4Cidr;
  readonly bridge: string;
  /** The bridge's own address: the VMs' default gateway, where OneGate listens. */
  readonly gateway: string;
  readonly mask: string;
  readonly nftTable: string;
}

/** The first address handed to a VM; .2-.9 stay free for floating addresses (VIPs) the service may use. */
export const FIRST_VM_OFFSET = 10;

export function hostAddress(net: ServiceNetwork, offset: number): string {
  const size = 2 ** (32 - net.cidr.prefix);
  if (offset < 1 || offset >= size - 1) {
    throw new RangeError(`offset ${offset} is outside ${cidrToString(net.cidr)}`);
  }
  return intToIpv4(ipv4ToInt(net.cidr.address) + offset);
}

/** Our table: VMs reach each other (bridged) and the gateway address, nothing beyond. */
export function nftRuleset(net: ServiceNetwork): string {
  const br = JSON.stringify(net.bridge);
  return `table inet ${net.nftTable}
delete table inet ${net.nftTable}
table inet ${net.nftTable} {
  chain forward {
    type filter hook forward priority filter; policy accept;
    iifname ${br} oifname != ${br} drop
    oifname ${br} iifname != ${br} drop
  }
  chain input {
    type filter hook input priority filter; policy accept;
    iifname ${br} meta nfproto ipv6 drop
    iifname ${br} ip daddr != ${net.gateway} drop
  }
}
`;
}

export interface NetworkOptions {
  readonly service: string;
  /** An explicit CIDR (checked against the host like a chosen one); default: the first free /24. */
  readonly cidr?: string;
  readonly avoid?: readonly Ipv4Cidr[];
  readonly name?: string;
}

export async function createServiceNetwork(
  exec: Exec,
  ledger: Ledger,
  options: NetworkOptions,
): Promise<ServiceNetwork> {
  const bridge = bridgeName(options.service);
  const exists = await exec.run("ip", ["link", "show", "dev", bridge], { allowFailure: true });
  if (exists.exitCode === 0) {
    throw new HostError(
      `create the network of local service ${options.service}`,
      `ip link add ${bridge} type bridge`,
      undefined,
      `${bridge} already exists: another onekube process runs this service, or one that died left it; run cleanupService for service ${options.service} first`,
    );
  }
  const taken = await hostPrefixes(exec);
  const cidr = chooseSubnet(taken, {
    ...(options.cidr === undefined ? {} : { cidr: options.cidr }),
    ...(options.avoid === undefined ? {} : { avoid: options.avoid }),
  });
  const gateway = intToIpv4(ipv4ToInt(cidr.address) + 1);
  const net: ServiceNetwork = {
    name: options.name ?? "service",
    cidr,
    bridge,
    gateway,
    mask: maskOf(cidr.prefix),
    nftTable: nftTableName(options.service),
  };
  const operation = `create bridge ${bridge}`;
  try {
    ledger.append({ kind: "bridge", name: bridge });
    // A fixed MAC: a bridge otherwise takes its lowest port's, and the VMs' ARP entry for the gateway would go stale.
    await exec.run("ip", ["link", "add", bridge, "address", macForIp(gateway), "type", "bridge"], {
      operation,
    });
    await exec.run("ip", ["addr", "add", `${gateway}/${cidr.prefix}`, "dev", bridge], { operation });
    await exec.run("ip", ["link", "set", bridge, "up"], { operation });
    ledger.append({ kind: "nft", table: net.nftTable });
    await exec.run("nft", ["-f", "-"], {
      input: nftRuleset(net),
      operation: `create nftables table ${net.nftTable}`,
    });
  } catch (error) {
    await removeServiceNetwork(exec, bridge, net.nftTable);
    throw error;
  }
  return net;
}

/** Removes the table and the bridge; absent ones are fine (cleanup may run twice). */
export async function removeServiceNetwork(exec: Exec, bridge: string, nftTable: string): Promise<void> {
  await exec.run("nft", ["delete", "table", "inet", nftTable], { allowFailure: true });
  await exec.run("ip", ["link", "del", bridge], { allowFailure: true });
}
