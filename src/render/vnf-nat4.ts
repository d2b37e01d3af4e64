/**
 * NAT4 (ONEAPP_VNF_NAT4_*): masquerade what leaves the VNF through its outward interfaces, as the
 * VRouter's `NAT4-MASQ` chain does, but in an nftables table of our own (`ip onekube_nat4`).
 */
import { checkInterfaces, type NftTable, nftNames, nftTable } from "./vnf-nft.js";

export const NAT4_TABLE = "onekube_nat4";

export interface Nat4Input {
  /** ONEAPP_VNF_NAT4_INTERFACES_OUT; empty means every NIC of the VM, as in the VRouter. */
  readonly interfacesOut: readonly string[];
  /** Every NIC of the VM (from the context's ETHx_*), used only when `interfacesOut` is empty. */
  readonly nics: readonly string[];
}

/** The `ip onekube_nat4` table: one postrouting nat chain, one masquerade rule per outward NIC. */
export function renderNat4(input: Nat4Input): NftTable {
  const listed = checkInterfaces("renderNat4", "interfacesOut", input.interfacesOut);
  const nics = checkInterfaces("renderNat4", "nics", input.nics);
  const out = listed.length > 0 ? listed : nics;
  if (out.length === 0) throw new Error("renderNat4: no outward interface: interfacesOut and nics are empty");
  return nftTable(NAT4_TABLE, "vnf/nat4.nft", "onekube NAT4: masquerade towards the outward interfaces", [
    {
      name: "postrouting",
      hook: "type nat hook postrouting priority srcnat; policy accept;",
      // One rule per NIC, like the VRouter, so `nft list` shows each; a set would do the same.
      rules: out.map((nic) => `oifname ${nftNames([nic])} masquerade`),
    },
  ]);
}
