import { existsSync } from "node:fs";
import { nicFor } from "../../host/nics.js";
import { onPath } from "../../host/path.js";
import { cidrContains, cidrToString, maskToPrefix, networkOf } from "../../params/ipv4.js";
import type { ServiceConfig } from "../../params/types.js";
import type { LbMode, VnfSetup } from "./converge.js";

/** Whether the kernel offers IP_VS (LVS) in this network namespace. */
export const hasIpvs = () => existsSync("/proc/net/ip_vs");

/**
 * `auto` is HAProxy: it works in every topology. LVS (NAT, as keepalived forwards here) answers
 * only when the masters' replies route back through the VNF, which the reference's one-network
 * service does not give (its LVS-DR needed the VIP on every master); so LVS is an explicit
 * choice, and it needs the kernel's IP_VS.
 */
export function chooseLbMode(wanted: "auto" | "lvs" | "haproxy", ipvs = hasIpvs()): LbMode {
  if (wanted !== "lvs") return "haproxy";
  if (!ipvs) {
    throw new Error(
      'ONEAPP_VNF_LB_BACKEND="lvs": this kernel has no IP_VS (/proc/net/ip_vs is missing); use haproxy or auto',
    );
  }
  return "lvs";
}

/**
 * Everything the vnf needs besides its peers, checked before anything is written: the endpoint
 * must be an address of the VM's network that no VM holds.
 */
export function vnfSetup(
  config: ServiceConfig,
  vars: Readonly<Record<string, string>>,
  address: string,
  serviceId: number,
  nics: readonly { name: string; mac: string }[] = [],
): VnfSetup {
  const mask = vars.ETH0_MASK ?? "255.255.255.0";
  const prefix = maskToPrefix(mask);
  if (prefix === undefined) throw new Error(`ETH0_MASK=${JSON.stringify(mask)} is not a network mask`);
  const network = networkOf(address, prefix);
  const inside = cidrContains(network, config.endpoint.address);
  if (!inside) {
    throw new Error(
      `ONEAPP_VNF_LB0_IP="${config.endpoint.address}" is outside this VM's network ${cidrToString(network)}: the endpoint must be a free address of the VNFs' network`,
    );
  }
  if (config.endpoint.address === address) {
    throw new Error(
      `ONEAPP_VNF_LB0_IP="${config.endpoint.address}" is this VM's own address; the endpoint must be a free address`,
    );
  }
  const mode = chooseLbMode(config.vnf.lbBackend);
  const programs = mode === "lvs" ? ["keepalived"] : ["keepalived", "haproxy"];
  const missing = programs.filter((p) => !onPath(p));
  if (missing.length > 0)
    throw new Error(
      `${missing.join(" and ")} not found on PATH: the vnf role needs them (Debian: apt-get install ${missing.join(" ")})`,
    );
  return {
    config,
    address,
    interface: nicFor(vars, 0, nics),
    prefix,
    network,
    // Derived from the service, so that clusters sharing a network do not collide (OneKE does the same).
    virtualRouterId: (serviceId % 255) + 1,
    mode,
  };
}
