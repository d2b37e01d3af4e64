import { readdirSync, readFileSync } from "node:fs";

/** The VM's network interfaces and their MAC addresses, as /sys/class/net shows them. */
export function localNics(): { name: string; mac: string }[] {
  return readdirSync("/sys/class/net").flatMap((name) => {
    try {
      return [{ name, mac: readFileSync(`/sys/class/net/${name}/address`, "utf8").trim().toLowerCase() }];
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
