/**
 * ROUTER4 (ONEAPP_VNF_ROUTER4_*): IPv4 forwarding on the VNF, as sysctl values plus, when only
 * some interfaces route, an nftables forward filter in a table of our own (`ip onekube_router4`).
 *
 * What the kernel does (Documentation/networking/ip-sysctl.rst, net/ipv4/devinet.c):
 * - `conf.<if>.forwarding` decides whether packets *received* on <if> may be forwarded; the
 *   routing code checks only the ingress interface's value. `net.ipv4.ip_forward` is the same
 *   variable as `conf.all.forwarding`, and *changing* it copies the new value to `default` and to
 *   every interface (writing the value it already has copies nothing).
 * - So "forward between eth0 and eth1 only" is `ip_forward=0` (written first: it resets every
 *   interface when it was 1), then `conf.eth0.forwarding=1` and `conf.eth1.forwarding=1`, and `0`
 *   for every other NIC (they may hold 1 from an earlier, longer list). This is what the VRouter
 *   writes. The per-interface value does not restrict the *egress* interface: a packet entering
 *   eth0 may leave through eth2. The forward chain closes that: only listed → listed is accepted.
 * - With no list (all interfaces), `ip_forward=1` plus `1` for `default` and each NIC (explicit,
 *   so that an interface set to 0 by hand is corrected too), and no table.
 */
import { checkInterfaces, type NftTable, nftNames, nftTable } from "./vnf-nft.js";

export const ROUTER4_TABLE = "onekube_router4";

export interface Sysctl {
  /** Dotted key; a dot inside an interface name is written `/`, as sysctl.d(5) and sysctl(8) read it. */
  readonly key: string;
  readonly value: string;
}

export interface Router4Input {
  /** ONEAPP_VNF_ROUTER4_INTERFACES; empty means forwarding between all interfaces. */
  readonly interfaces: readonly string[];
  /** Every NIC of the VM (from the context's ETHx_*): those not listed are turned off. */
  readonly nics: readonly string[];
}

export interface Router4Rendered {
  /** Written in this order; `ip_forward` first, since changing it resets every interface. */
  readonly sysctls: readonly Sysctl[];
  /** The forward filter; absent when all interfaces forward (the table is then removed). */
  readonly nftables: NftTable | undefined;
}

const forwarding = (nic: string): Sysctl["key"] => `net.ipv4.conf.${nic.replaceAll(".", "/")}.forwarding`;
const set = (key: string, on: boolean): Sysctl => ({ key, value: on ? "1" : "0" });

export function renderRouter4(input: Router4Input): Router4Rendered {
  const listed = checkInterfaces("renderRouter4", "interfaces", input.interfaces);
  const nics = checkInterfaces("renderRouter4", "nics", input.nics);
  if (listed.length === 0) {
    return {
      sysctls: [
        set("net.ipv4.ip_forward", true),
        set("net.ipv4.conf.default.forwarding", true),
        ...nics.map((nic) => set(forwarding(nic), true)),
      ],
      nftables: undefined,
    };
  }
  const others = nics.filter((nic) => !listed.includes(nic));
  return {
    sysctls: [
      set("net.ipv4.ip_forward", false),
      // Interfaces created later (a hot-plugged NIC) do not forward until listed.
      set("net.ipv4.conf.default.forwarding", false),
      ...listed.map((nic) => set(forwarding(nic), true)),
      ...others.map((nic) => set(forwarding(nic), false)),
    ],
    nftables: nftTable(
      ROUTER4_TABLE,
      "vnf/router4.nft",
      "onekube ROUTER4: forward only between the listed interfaces",
      [
        {
          name: "forward",
          hook: "type filter hook forward priority filter; policy drop;",
          rules: [`iifname ${nftNames(listed)} oifname ${nftNames(listed)} accept`],
        },
      ],
    ),
  };
}

/** ROUTER4 off: no interface forwards, and the forward filter is gone. */
export function renderRouter4Off(input: Pick<Router4Input, "nics">): Router4Rendered {
  const nics = checkInterfaces("renderRouter4Off", "nics", input.nics);
  return {
    sysctls: [
      set("net.ipv4.ip_forward", false),
      set("net.ipv4.conf.default.forwarding", false),
      ...nics.map((nic) => set(forwarding(nic), false)),
    ],
    nftables: undefined,
  };
}
