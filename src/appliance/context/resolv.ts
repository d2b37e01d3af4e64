/**
 * /etc/resolv.conf from the context, as OpenNebula's package writes it (appliance-image.md §2.5):
 * the union of DNS and every ETH<n>_DNS as nameservers, SEARCH_DOMAIN and ETH<n>_SEARCH_DOMAIN
 * as one search line, replacing a symlink. Without any DNS in the context an existing file is
 * left alone; a missing one is written anyway (§6.3: kubelet will not start pods without it).
 */
import { existsSync, lstatSync, rmSync } from "node:fs";
import { isIP } from "node:net";
import { writeIfChanged } from "../../host/files.js";
import { at, nicIndices, type Step, union } from "./step.js";

export const RESOLV_CONF = "/etc/resolv.conf";

/**
 * What a node with no DNS in its context gets. Not loopback: CoreDNS forwards to the node's
 * nameservers, and 127.0.0.1 in its pod is CoreDNS itself (its loop check stops it); not an
 * empty file either: glibc then asks 127.0.0.1, and CoreDNS's forward finds no upstream. An
 * address of TEST-NET-1 (RFC 5737, never routed) answers nothing, quickly given up on, and the
 * cluster's own names still resolve.
 */
export const NO_DNS_RESOLV = [
  "# onekube contextualize: the context names no DNS server (DNS, ETH<n>_DNS). kubelet needs this",
  '# file; 192.0.2.1 (TEST-NET-1, never routed) stands for "no upstream" without pointing at loopback.',
  "nameserver 192.0.2.1",
  "options timeout:1 attempts:1",
  "",
].join("\n");

/** The resolv.conf the context asks for, or undefined when it names no DNS server. */
export function renderResolv(vars: Readonly<Record<string, string>>): string | undefined {
  const n = nicIndices(vars);
  const servers = union(vars.DNS, ...n.map((i) => vars[`ETH${i}_DNS`])).filter((s) => isIP(s) !== 0);
  if (servers.length === 0) return undefined;
  const search = union(vars.SEARCH_DOMAIN, ...n.map((i) => vars[`ETH${i}_SEARCH_DOMAIN`])).filter((d) =>
    /^[A-Za-z0-9.-]+$/.test(d),
  );
  return [
    "# onekube contextualize: from the context's DNS, ETH<n>_DNS and SEARCH_DOMAIN; rewritten at every boot",
    ...servers.map((s) => `nameserver ${s}`),
    ...(search.length > 0 ? [`search ${search.join(" ")}`] : []),
    "",
  ].join("\n");
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

export const resolvStep: Step = {
  name: "resolv",
  title: "write /etc/resolv.conf from DNS, ETH<n>_DNS and SEARCH_DOMAIN",
  async run(ctx) {
    const path = at(ctx, RESOLV_CONF);
    let content = renderResolv(ctx.vars);
    if (content === undefined) {
      // existsSync follows a symlink: one pointing nowhere (resolved's stub, not running) counts as missing.
      if (existsSync(path)) {
        ctx.note("no DNS in the context: the existing /etc/resolv.conf is left alone");
        return "unchanged";
      }
      ctx.note("no DNS in the context and no /etc/resolv.conf: wrote one with no usable upstream");
      content = NO_DNS_RESOLV;
    }
    const replaced = isSymlink(path);
    if (replaced) rmSync(path);
    return (await writeIfChanged(path, content)) || replaced ? "changed" : "unchanged";
  },
};
