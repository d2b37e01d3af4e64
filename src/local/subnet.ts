/**
 * Choosing the service network: a private IPv4 /24 that overlaps nothing the host already
 * routes or owns, so a VM never shadows a real network. The decision is pure (it takes what
 * `ip -j route` and `ip -j addr` print); `hostPrefixes` asks the host.
 */
import { z } from "zod";
import { UsageError } from "../errors.js";
import type { Exec } from "../host/exec.js";
import { cidrsOverlap, cidrToString, intToIpv4, ipv4ToInt, parseCidr } from "../params/ipv4.js";
import type { Ipv4Cidr } from "../params/types.js";

/** Kubernetes' default pod and service networks: a VM network inside them would break routing in the cluster. */
export const KUBERNETES_DEFAULTS: readonly Ipv4Cidr[] = [
  { address: "10.244.0.0", prefix: 16 },
  { address: "10.96.0.0", prefix: 12 },
];

// Only the fields we read; zod drops the rest.
const routes = z.array(z.object({ dst: z.string(), dev: z.string().optional() }));
const addrs = z.array(
  z.object({
    ifname: z.string(),
    addr_info: z.array(z.object({ family: z.string(), local: z.string(), prefixlen: z.number() })),
  }),
);

function networkOf(address: string, prefix: number): Ipv4Cidr {
  const n = ipv4ToInt(address);
  return { address: intToIpv4(n - (n % 2 ** (32 - prefix))), prefix };
}

export interface HostPrefix {
  readonly cidr: Ipv4Cidr;
  /** Where it came from, for the error message: "route 192.0.2.0/24 dev eth0". */
  readonly source: string;
}

/** The prefixes in `ip -j -4 route show table all` and `ip -j -4 addr` output (default routes excluded). */
export function parseHostPrefixes(routeJson: string, addrJson: string): HostPrefix[] {
  const out: HostPrefix[] = [];
  for (const r of routes.parse(JSON.parse(routeJson))) {
    if (r.dst === "default") continue;
    const [address = "", prefix = "32"] = r.dst.split("/");
    out.push({ cidr: networkOf(address, Number(prefix)), source: `route ${r.dst} dev ${r.dev ?? "?"}` });
  }
  for (const link of addrs.parse(JSON.parse(addrJson))) {
    for (const a of link.addr_info.filter((i) => i.family === "inet")) {
      out.push({
        cidr: networkOf(a.local, a.prefixlen),
        source: `address ${a.local}/${a.prefixlen} on ${link.ifname}`,
      });
    }
  }
  return out;
}

/** Candidates in 172.16.0.0/12, from 172.16.100.0/24 upward: clear of 10/8 (Kubernetes) and 192.168/16 (home routers). */
function* candidates(): Generator<Ipv4Cidr> {
  for (let second = 16; second <= 31; second++) {
    for (let third = second === 16 ? 100 : 0; third <= 255; third++) {
      yield { address: `172.${second}.${third}.0`, prefix: 24 };
    }
  }
}

function collisions(cidr: Ipv4Cidr, taken: readonly HostPrefix[], avoid: readonly Ipv4Cidr[]): string[] {
  return [
    ...taken.filter((t) => cidrsOverlap(cidr, t.cidr)).map((t) => t.source),
    ...avoid.filter((a) => cidrsOverlap(cidr, a)).map((a) => `reserved ${cidrToString(a)}`),
  ];
}

/** The explicit CIDR if it is free (else a UsageError naming what it collides with), or the first free candidate. */
export function chooseSubnet(
  taken: readonly HostPrefix[],
  options: { readonly cidr?: string; readonly avoid?: readonly Ipv4Cidr[] } = {},
): Ipv4Cidr {
  const avoid = options.avoid ?? KUBERNETES_DEFAULTS;
  if (options.cidr !== undefined) {
    const parsed = parseCidr(options.cidr);
    if (!parsed.ok) throw new UsageError(`local cloud network ${options.cidr}: ${parsed.reason}`);
    if (parsed.cidr.prefix > 29 || parsed.cidr.prefix < 16) {
      throw new UsageError(`local cloud network ${options.cidr}: use a prefix from /16 to /29`);
    }
    const clash = collisions(parsed.cidr, taken, avoid);
    if (clash.length > 0) {
      throw new UsageError(
        `local cloud network ${options.cidr} collides with ${clash.join(", ")}; choose another private range or leave it unset to pick a free /24`,
      );
    }
    return parsed.cidr;
  }
  for (const c of candidates()) if (collisions(c, taken, avoid).length === 0) return c;
  throw new UsageError("no free /24 left in 172.16.0.0/12 for the local cloud; pass an explicit network");
}

/** What the host routes and owns right now. */
export async function hostPrefixes(exec: Exec): Promise<HostPrefix[]> {
  const operation = "list the host's networks";
  const [r, a] = await Promise.all([
    exec.run("ip", ["-j", "-4", "route", "show", "table", "all"], { operation }),
    exec.run("ip", ["-j", "-4", "addr"], { operation }),
  ]);
  return parseHostPrefixes(r.stdout || "[]", a.stdout || "[]");
}
