import { readdirSync, readFileSync } from "node:fs";

/** The VM's network interfaces and their MAC addresses, as /sys/class/net (or a copy of it) shows them. */
export function localNics(dir = "/sys/class/net"): { name: string; mac: string }[] {
  return readdirSync(dir).flatMap((name) => {
    try {
      return [{ name, mac: readFileSync(`${dir}/${name}/address`, "utf8").trim().toLowerCase() }];
    } catch {
      return [];
    }
  });
}

/**
 * The interface OpenNebula's context calls ETH<n>: the one whose MAC is ETH<n>_MAC, as the
 * contextualization package matches them (a VM's first NIC is often ens3, not eth0).
 */
export function nicFor(
  vars: Readonly<Record<string, string>>,
  index: number,
  nics: readonly { name: string; mac: string }[],
): string {
  const mac = vars[`ETH${index}_MAC`]?.toLowerCase();
  return nics.find((n) => mac !== undefined && n.mac === mac)?.name ?? `eth${index}`;
}
