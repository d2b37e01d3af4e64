/**
 * The VNF's optional network functions, each idempotent: observe, compare, change only the
 * difference, and say "changed" or "unchanged". They act on the network namespace the Exec runs
 * in (a VM's), and touch only their own nftables tables and the IPv4 forwarding sysctls.
 */
import type { Exec } from "../../host/exec.js";
import { NAT4_TABLE } from "../../render/vnf-nat4.js";
import type { NftTable } from "../../render/vnf-nft.js";
import { ROUTER4_TABLE, type Router4Rendered, renderRouter4Off } from "../../render/vnf-router4.js";
import { applyNftTable, type Outcome, removeNftTable } from "./nft.js";
import { applySysctls } from "./sysctl.js";

export type { Outcome } from "./nft.js";

const either = (...outcomes: Outcome[]): Outcome => (outcomes.includes("changed") ? "changed" : "unchanged");

/** NAT4 on: the `ip onekube_nat4` table as rendered. */
export function applyNat4(exec: Exec, rendered: NftTable): Promise<Outcome> {
  return applyNftTable(exec, rendered);
}

/** NAT4 off: the table gone (our masquerade only; nobody else's rules). */
export function removeNat4(exec: Exec): Promise<Outcome> {
  return removeNftTable(exec, "ip", NAT4_TABLE);
}

/**
 * ROUTER4 on. The forward filter goes in before forwarding is switched on, so a narrowed list
 * never forwards more than it should, even for a moment; with all interfaces it is removed.
 */
export async function applyRouter4(exec: Exec, rendered: Router4Rendered): Promise<Outcome> {
  const filter = rendered.nftables
    ? await applyNftTable(exec, rendered.nftables)
    : await removeNftTable(exec, "ip", ROUTER4_TABLE);
  return either(filter, await applySysctls(exec, rendered.sysctls));
}

/**
 * ROUTER4 off: no NIC forwards, the filter table is gone. `nics` are the VM's NICs. Note that
 * keepalived's LVS NAT needs forwarding: do not call this on a VNF that balances with LVS.
 */
export async function removeRouter4(exec: Exec, nics: readonly string[]): Promise<Outcome> {
  const sysctls = await applySysctls(exec, renderRouter4Off({ nics }).sysctls);
  return either(sysctls, await removeNftTable(exec, "ip", ROUTER4_TABLE));
}
