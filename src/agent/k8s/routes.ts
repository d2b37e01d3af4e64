/**
 * The bridge pod network's routes: one per peer node, to its pod CIDR through its address.
 * Routes the node no longer needs (a peer gone) are removed; only routes of the pod network.
 */
import type { Exec } from "../../host/exec.js";
import { cidrContains } from "../../params/ipv4.js";
import type { Ipv4Cidr } from "../../params/types.js";
import { type PeerNode, peerRoutes } from "../../render/cni-bridge.js";

export async function syncRoutes(
  exec: Exec,
  self: string,
  nodes: readonly PeerNode[],
  podsNetwork: Ipv4Cidr,
  log: (l: string) => void,
): Promise<boolean> {
  const want = peerRoutes(self, nodes);
  const shown = await exec.run("ip", ["-4", "route", "show", "proto", "static"], {
    operation: "list routes",
  });
  const have = new Map<string, string>();
  for (const line of shown.stdout.split("\n")) {
    const m = /^(\S+) via (\S+)/.exec(line);
    if (m?.[1] && m[2] && cidrContains(podsNetwork, m[1].split("/")[0] ?? "")) have.set(m[1], m[2]);
  }
  let changed = false;
  for (const r of want) {
    if (have.get(r.podCidr) === r.address) continue;
    await exec.run("ip", ["route", "replace", r.podCidr, "via", r.address, "proto", "static"], {
      operation: `route ${r.podCidr} via ${r.address}`,
    });
    log(`[pod-network] route ${r.podCidr} via ${r.address}`);
    changed = true;
  }
  for (const [cidr, via] of have) {
    if (want.some((r) => r.podCidr === cidr)) continue;
    await exec.run("ip", ["route", "del", cidr, "via", via, "proto", "static"], { allowFailure: true });
    log(`[pod-network] removed route ${cidr} via ${via}`);
    changed = true;
  }
  return changed;
}
