/**
 * DNS (ONEAPP_VNF_DNS_*): a recursive, caching unbound for the VMs behind the VNF, as the
 * VRouter's DNS module configures it, but run in the foreground under the agent's supervisor:
 * no fork, no pidfile, no chroot, logs on stderr, every path under a directory given as input
 * (a local VM shares /etc with the host, so nothing may live in /etc/unbound).
 */
import { cidrToString, isIpv4 } from "../params/ipv4.js";
import type { Ipv4Cidr } from "../params/types.js";
import type { RenderedFile } from "./files.js";

export interface ListenAddress {
  /** The NIC, named in a comment only. */
  readonly nic: string;
  readonly address: string;
}

export interface LocalRecord {
  /** Relative to the zone: `ep0.eth0` in zone `vr` answers `ep0.eth0.vr.`. */
  readonly name: string;
  readonly address: string;
}

/** A zone unbound answers itself (`static`: unknown names are NXDOMAIN, never forwarded). */
export interface LocalZone {
  readonly name: string;
  readonly records: readonly LocalRecord[];
}

export interface DnsInput {
  /** Addresses of the ONEAPP_VNF_DNS_INTERFACES; empty = every address (0.0.0.0). Loopback always. */
  readonly listen: readonly ListenAddress[];
  /** The VM's own subnets: the only clients answered besides loopback; others get REFUSED. */
  readonly allowedNetworks: readonly Ipv4Cidr[];
  /** ONEAPP_VNF_DNS_MAX_CACHE_TTL, seconds. */
  readonly maxCacheTtl: number;
  /** ONEAPP_VNF_DNS_USE_ROOTSERVERS: iterate from the root servers (unbound's built-in hints). */
  readonly useRootServers: boolean;
  /** Where `.` is forwarded when not using the root servers (the VM context's ETH0_DNS). */
  readonly forwarders: readonly string[];
  /** Absolute working directory of unbound, private to the VM (e.g. /var/lib/onekube/vnf). */
  readonly directory: string;
  /** Unprivileged user unbound switches to after binding port 53; "" keeps root. */
  readonly username?: string;
  readonly localZones?: readonly LocalZone[];
}

export const UNBOUND_CONF = "vnf/unbound.conf";
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
// unbound.conf strings are double-quoted without escapes.
const PLAIN_PATH = /^\/[^"\n\\]*$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

function fail(message: string): never {
  throw new Error(`renderDns: ${message}`);
}

function checkName(field: string, name: string): void {
  if (!name.split(".").every((label) => LABEL.test(label))) fail(`${field} is not a DNS name: "${name}"`);
}

/** Programmer errors only: the parameters were validated in src/params. */
function check(input: DnsInput): void {
  for (const [i, l] of input.listen.entries()) {
    if (!isIpv4(l.address)) fail(`listen[${i}].address is not an IPv4 address: "${l.address}"`);
  }
  for (const [i, f] of input.forwarders.entries()) {
    if (!isIpv4(f)) fail(`forwarders[${i}] is not an IPv4 address: "${f}"`);
  }
  if (!Number.isInteger(input.maxCacheTtl) || input.maxCacheTtl < 0) {
    fail(`maxCacheTtl must be a non-negative integer, got ${input.maxCacheTtl}`);
  }
  if (!input.useRootServers && input.forwarders.length === 0) {
    fail("useRootServers is off but there is no forwarder (ETH0_DNS is empty)");
  }
  if (!PLAIN_PATH.test(input.directory)) fail(`directory must be an absolute path: "${input.directory}"`);
  if (input.username !== undefined && input.username !== "" && !USER.test(input.username)) {
    fail(`username is not a user name: "${input.username}"`);
  }
  for (const zone of input.localZones ?? []) {
    checkName("localZones[].name", zone.name);
    for (const r of zone.records) {
      checkName(`record of zone ${zone.name}`, r.name);
      if (!isIpv4(r.address)) fail(`record ${r.name}.${zone.name} has no IPv4 address: "${r.address}"`);
    }
  }
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

function listenLines(listen: readonly ListenAddress[]): string[] {
  if (listen.length === 0) {
    // 0.0.0.0 alone would answer from the wrong source on a NIC with several addresses (a VIP);
    // interface-automatic answers from the address the query went to.
    return ["    interface: 0.0.0.0", "    interface-automatic: yes"];
  }
  const seen = unique(["127.0.0.1", ...listen.map((l) => l.address)]);
  return seen.map((address) => {
    const nics = listen.filter((l) => l.address === address).map((l) => l.nic);
    return `    interface: ${address}${nics.length > 0 ? `  # ${unique(nics).join(", ")}` : ""}`;
  });
}

function zoneLines(zones: readonly LocalZone[]): string[] {
  return zones.flatMap((zone) => [
    `    local-zone: "${zone.name}." static`,
    ...zone.records.map((r) => `    local-data: "${r.name}.${zone.name}. IN A ${r.address}"`),
  ]);
}

/** unbound.conf: a resolver for the VNF's own subnets, checked by `unbound-checkconf`. */
export function renderDns(input: DnsInput): RenderedFile {
  check(input);
  const networks = unique(input.allowedNetworks.map(cidrToString));
  const lines = [
    "# Rendered by onekube for the vnf role (DNS); local edits are overwritten.",
    "# Run in the foreground: unbound -d -c <this file>.",
    "server:",
    "    verbosity: 1",
    "    do-daemonize: no",
    "    use-syslog: no",
    '    logfile: ""',
    '    pidfile: ""',
    '    chroot: ""',
    `    username: "${input.username ?? "unbound"}"`,
    `    directory: "${input.directory}"`,
    "",
    ...listenLines(input.listen),
    "    port: 53",
    "    do-ip4: yes",
    "    do-ip6: no",
    "    do-udp: yes",
    "    do-tcp: yes",
    "",
    "    access-control: 0.0.0.0/0 refuse",
    "    access-control: 127.0.0.0/8 allow",
    ...networks.map((cidr) => `    access-control: ${cidr} allow`),
    "",
    "    cache-min-ttl: 0",
    `    cache-max-ttl: ${input.maxCacheTtl}`,
    "    hide-identity: yes",
    "    hide-version: yes",
    ...(input.localZones && input.localZones.length > 0 ? ["", ...zoneLines(input.localZones)] : []),
    "",
    "remote-control:",
    "    control-enable: no",
    ...(input.useRootServers
      ? ["", "# Recursion from the root servers: unbound's built-in root hints."]
      : [
          "",
          "forward-zone:",
          '    name: "."',
          ...unique(input.forwarders).map((address) => `    forward-addr: ${address}`),
        ]),
  ];
  return { path: UNBOUND_CONF, content: `${lines.join("\n")}\n` };
}
