/**
 * The network renderer: the context's ETH<n>_* variables and the VM's NICs in, systemd-networkd
 * files out (one `.network` per configured NIC, matched by MAC, and the networkd.conf drop-in
 * that keeps networkd's hands off the CNI's routes and rules). Pure: it never touches the system.
 * Values are checked before they reach a file, so a context value can never add a line.
 */
import { isIP } from "node:net";
import { maskToPrefix } from "../../params/ipv4.js";
import { nicIndices, union } from "./step.js";

export interface Nic {
  readonly name: string;
  /** Lower case, as /sys/class/net/<name>/address shows it. */
  readonly mac: string;
}

export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

export interface NetworkPlan {
  readonly files: readonly RenderedFile[];
  /** What was left alone and why (a MAC matching no NIC, a bad value, method skip). */
  readonly notes: readonly string[];
}

export const NETWORK_DIR = "/etc/systemd/network";
/** Our files and only ours: the step removes stale ones of this name, never another file. */
export const OWN_NETWORK_FILE = /^10-onekube-eth\d+\.network$/;
export const networkFile = (n: number) => `${NETWORK_DIR}/10-onekube-eth${n}.network`;

/**
 * Appliance-image.md §6.1: networkd removes routes and policy rules it did not make (the CNI's)
 * when it (re)configures a link, unless told not to. Next hops likewise (systemd ≥ 256).
 */
export const NETWORKD_DROPIN: RenderedFile = {
  path: "/etc/systemd/networkd.conf.d/onekube.conf",
  content: [
    "# onekube: routes, rules and next hops made by others (the CNI, kube-proxy, keepalived) are theirs",
    "[Network]",
    "ManageForeignRoutes=no",
    "ManageForeignRoutingPolicyRules=no",
    "ManageForeignNextHops=no",
    "",
  ].join("\n"),
};

const DOMAIN = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

function integer(value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n >= min && n <= max ? n : undefined;
}

/** The host of ONEGATE_ENDPOINT when it is link-local (OpenNebula's transparent proxy, 169.254.16.9). */
export function linkLocalOnegate(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  try {
    const host = new URL(endpoint).hostname;
    return isIP(host) === 4 && host.startsWith("169.254.") ? host : undefined;
  } catch {
    return undefined;
  }
}

type Section = readonly [name: string, lines: readonly string[]];

function print(header: string, sections: readonly Section[]): string {
  const body = sections
    .filter(([, lines]) => lines.length > 0)
    .map(([name, lines]) => [`[${name}]`, ...lines].join("\n"))
    .join("\n\n");
  return `${header}\n${body}\n`;
}

/** One NIC's part of the context: its ETH<n>_ values, and where to say what was left out. */
interface NicVars {
  readonly n: number;
  readonly v: (suffix: string) => string;
  readonly note: (line: string) => void;
}

interface Addressing {
  readonly network: string[];
  readonly routes: Section[];
}

function ipv4({ n, v, note }: NicVars, out: Addressing): void {
  const prefix = maskToPrefix(v("MASK") || "255.255.255.0");
  const gateway = v("GATEWAY");
  const metric = integer(v("METRIC"), 0, 4294967295);
  if (isIP(v("IP")) !== 4) note(`ETH${n}_IP=${JSON.stringify(v("IP"))} is not an IPv4 address: no IPv4`);
  else if (prefix === undefined)
    note(`ETH${n}_MASK=${JSON.stringify(v("MASK"))} is not an IPv4 netmask: no IPv4`);
  else {
    out.network.push(`Address=${v("IP")}/${prefix}`);
    if (gateway && isIP(gateway) !== 4) note(`ETH${n}_GATEWAY=${JSON.stringify(gateway)} ignored`);
    else if (gateway)
      out.routes.push([
        "Route",
        [`Gateway=${gateway}`, ...(metric === undefined ? [] : [`Metric=${metric}`])],
      ]);
  }
}

/** Static IPv6 only; OpenNebula's other IPv6 methods (auto, dhcp, disable) are not done. */
function ipv6({ n, v, note }: NicVars, out: Addressing): void {
  const method = (v("IP6_METHOD") || "static").toLowerCase();
  const length = integer(v("IP6_PREFIX_LENGTH") || "64", 1, 128);
  if (method !== "static") note(`ETH${n}_IP6_METHOD=${method} is not done by onekube: no IPv6 set`);
  else if (isIP(v("IP6")) !== 6 || length === undefined)
    note(`ETH${n}_IP6=${JSON.stringify(v("IP6"))}/${v("IP6_PREFIX_LENGTH")} is not an IPv6 address: no IPv6`);
  else {
    out.network.push(`Address=${v("IP6")}/${length}`);
    if (isIP(v("IP6_GATEWAY")) === 6) out.routes.push(["Route", [`Gateway=${v("IP6_GATEWAY")}`]]);
  }
}

/** ETH<n>_ROUTES: `DESTINATION via GATEWAY`, comma-separated. */
function extraRoutes({ n, v, note }: NicVars, out: Addressing): void {
  for (const route of v("ROUTES")
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean)) {
    const m = /^(\S+)\s+via\s+(\S+)$/.exec(route);
    const [dst = "", len] = (m?.[1] ?? "").split("/");
    const ok =
      m &&
      isIP(dst) !== 0 &&
      isIP(m[2] ?? "") !== 0 &&
      (len === undefined || integer(len, 0, 128) !== undefined);
    if (ok) out.routes.push(["Route", [`Destination=${m[1]}`, `Gateway=${m[2]}`]]);
    else note(`ETH${n}_ROUTES: ${JSON.stringify(route)} is not "DESTINATION via GATEWAY": ignored`);
  }
}

function resolver({ v, note }: NicVars, vars: Readonly<Record<string, string>>, out: Addressing): void {
  const dns = union(v("DNS"), vars.DNS);
  for (const d of dns.filter((d) => isIP(d) === 0))
    note(`DNS server ${JSON.stringify(d)} is not an address: ignored`);
  out.network.push(...dns.filter((d) => isIP(d) !== 0).map((d) => `DNS=${d}`));
  const domains = union(v("SEARCH_DOMAIN"), vars.SEARCH_DOMAIN);
  for (const d of domains.filter((d) => !DOMAIN.test(d))) note(`search domain ${JSON.stringify(d)} ignored`);
  const good = domains.filter((d) => DOMAIN.test(d));
  if (good.length > 0) out.network.push(`Domains=${good.join(" ")}`);
}

/** The [Network] lines and the routes of one NIC, each value checked. */
function addressing(
  nic: NicVars,
  method: "static" | "dhcp",
  vars: Readonly<Record<string, string>>,
): Addressing {
  const out: Addressing = { network: [], routes: [] };
  if (method === "dhcp") out.network.push("DHCP=ipv4");
  else if (nic.v("IP")) ipv4(nic, out);
  if (nic.v("IP6")) ipv6(nic, out);
  extraRoutes(nic, out);
  resolver(nic, vars, out);
  return out;
}

/** The files for the context's NICs; NICs it does not name get nothing (no DHCP fallback, as OpenNebula's package). */
export function renderNetwork(vars: Readonly<Record<string, string>>, nics: readonly Nic[]): NetworkPlan {
  const notes: string[] = [];
  const note = (line: string) => notes.push(line);
  const files: RenderedFile[] = [];
  let onegate = linkLocalOnegate(vars.ONEGATE_ENDPOINT);
  for (const n of nicIndices(vars)) {
    const mac = (vars[`ETH${n}_MAC`] ?? "").trim().toLowerCase();
    const nic = nics.find((x) => x.mac === mac);
    const method = ((vars[`ETH${n}_METHOD`] ?? "").trim() || "static").toLowerCase();
    if (!nic) {
      note(
        `ETH${n}_MAC=${mac} matches no NIC of this VM (${nics.map((x) => `${x.name} ${x.mac}`).join(", ") || "none"}): not configured`,
      );
      continue;
    }
    if (method === "skip") {
      note(`ETH${n} (${nic.name}): ETH${n}_METHOD=skip, left alone`);
      continue;
    }
    if (method !== "static" && method !== "dhcp") {
      note(`ETH${n} (${nic.name}): ETH${n}_METHOD=${method} is not static, dhcp or skip: not configured`);
      continue;
    }
    const v = (suffix: string) => (vars[`ETH${n}_${suffix}`] ?? "").trim();
    const { network, routes } = addressing({ n, v, note }, method, vars);
    if (!network.some((l) => l.startsWith("Address=") || l.startsWith("DHCP="))) {
      note(`ETH${n} (${nic.name}): no address in the context (ETH${n}_IP): not configured`);
      continue;
    }
    const mtu = integer(vars[`ETH${n}_MTU`], 68, 65535);
    if (vars[`ETH${n}_MTU`] && mtu === undefined)
      note(`ETH${n}_MTU=${JSON.stringify(vars[`ETH${n}_MTU`])} ignored`);
    // The OneGate proxy answers on the first configured NIC's link (the context package's rule).
    if (onegate) routes.push(["Route", [`Destination=${onegate}/32`, "Scope=link"]]);
    onegate = undefined;
    files.push({
      path: networkFile(n),
      content: print(
        `# onekube contextualize: ETH${n} of the context (${nic.name} at boot); rewritten at every boot`,
        [
          ["Match", [`MACAddress=${mac}`, "Type=ether"]],
          ["Link", mtu === undefined ? [] : [`MTUBytes=${mtu}`]],
          ["Network", network],
          ...routes,
        ],
      ),
    });
  }
  return { files: [...files, NETWORKD_DROPIN], notes };
}
