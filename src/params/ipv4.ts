import ipaddr from "ipaddr.js";
import type { Ipv4Cidr } from "./types.js";

/** Strict dotted quad: four decimal parts 0-255, no shorthand forms. */
export function isIpv4(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) && ipaddr.IPv4.isValidFourPartDecimal(text);
}

export function ipv4ToInt(text: string): number {
  return ipaddr.IPv4.parse(text)
    .toByteArray()
    .reduce((n, b) => n * 256 + b, 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export type CidrResult = { ok: true; cidr: Ipv4Cidr } | { ok: false; reason: string };

/** Parses `A.B.C.D/N`; refuses host bits so the network is never ambiguous. */
export function parseCidr(text: string): CidrResult {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match?.[1] || !match[2]) return { ok: false, reason: "expected an IPv4 CIDR like 10.244.0.0/16" };
  const [, address, prefixText] = match;
  if (!isIpv4(address)) return { ok: false, reason: `${address} is not an IPv4 address` };
  const prefix = Number(prefixText);
  if (prefix > 32) return { ok: false, reason: `prefix /${prefix} is out of range (0-32)` };
  const network = ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`).toString();
  if (network !== address) {
    return { ok: false, reason: `${text} has host bits set; did you mean ${network}/${prefix}?` };
  }
  return { ok: true, cidr: { address, prefix } };
}

export function cidrToString(cidr: Ipv4Cidr): string {
  return `${cidr.address}/${cidr.prefix}`;
}

export function cidrRange(cidr: Ipv4Cidr): { first: number; last: number } {
  const first = ipv4ToInt(cidr.address);
  return { first, last: first + 2 ** (32 - cidr.prefix) - 1 };
}

export function cidrContains(cidr: Ipv4Cidr, address: string): boolean {
  return ipaddr.IPv4.parse(address).match(ipaddr.IPv4.parse(cidr.address), cidr.prefix);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const ra = cidrRange(a);
  const rb = cidrRange(b);
  return ra.first <= rb.last && rb.first <= ra.last;
}

/** The network an address lies in, e.g. 10.0.0.17/24 → 10.0.0.0/24. */
export function networkOf(address: string, prefix: number): Ipv4Cidr {
  return { address: ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`).toString(), prefix };
}

/** 24 → `255.255.255.0`. */
export function maskOf(prefix: number): string {
  return ipaddr.IPv4.subnetMaskFromPrefixLength(prefix).toString();
}

/** `255.255.255.0` → 24; undefined for anything that is not a contiguous IPv4 mask. */
export function maskToPrefix(mask: string): number | undefined {
  if (!isIpv4(mask)) return undefined;
  return ipaddr.IPv4.parse(mask).prefixLengthFromSubnetMask() ?? undefined;
}
