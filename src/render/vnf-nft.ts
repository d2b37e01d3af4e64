/**
 * What the VNF functions NAT4 and ROUTER4 share: Linux interface names checked once, and an
 * nftables table of our own printed exactly as `nft list table` prints it back, so the agent can
 * tell "already in place" from "needs applying" by comparing text.
 */
import type { RenderedFile } from "./files.js";

/** One table, replaced as a whole: nothing of anybody else's ruleset is touched. */
export interface NftTable {
  readonly family: "ip";
  readonly name: string;
  /** The table as `nft list table ip NAME` prints it (nftables 1.0: tab indents). */
  readonly listing: string;
  /**
   * The script for `nft -f`: declare, delete, recreate. nft runs a script as one transaction, so
   * the table is replaced atomically, and the declaration makes the delete work on a fresh host.
   */
  readonly file: RenderedFile;
}

// Linux IFNAMSIZ is 16 with the NUL. No quotes, blanks or slashes (nft strings, sysctl keys).
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** Programmer errors only: ONEAPP_VNF_*_INTERFACES were validated in src/params. */
export function checkInterfaces(renderer: string, field: string, names: readonly string[]): string[] {
  for (const [i, name] of names.entries()) {
    if (!IFNAME.test(name) || name === "." || name === "..") {
      throw new Error(`${renderer}: ${field}[${i}] is not a Linux interface name: "${name}"`);
    }
  }
  return [...new Set(names)];
}

/** `"eth0"` or the anonymous set `{ "eth0", "eth1" }`, as nft lists them. */
export function nftNames(names: readonly string[]): string {
  const quoted = names.map((n) => JSON.stringify(n));
  return quoted.length === 1 ? `${quoted[0]}` : `{ ${quoted.join(", ")} }`;
}

export interface NftChain {
  readonly name: string;
  /** e.g. `type nat hook postrouting priority srcnat; policy accept;` */
  readonly hook: string;
  readonly rules: readonly string[];
}

export function nftTable(name: string, path: string, comment: string, chains: readonly NftChain[]): NftTable {
  const body = [
    `table ip ${name} {`,
    `\tcomment ${JSON.stringify(comment)}`,
    ...chains.flatMap((c) => [
      `\tchain ${c.name} {`,
      `\t\t${c.hook}`,
      ...c.rules.map((r) => `\t\t${r}`),
      "\t}",
    ]),
    "}",
  ];
  const listing = `${body.join("\n")}\n`;
  const script = [
    "#!/usr/sbin/nft -f",
    "# Rendered by onekube for the vnf role; applied with `nft -f`, which replaces the table atomically.",
    `table ip ${name}`,
    `delete table ip ${name}`,
    listing,
  ].join("\n");
  return { family: "ip", name, listing, file: { path, content: script } };
}
