import type { OneGateClient } from "../../onegate/client.js";
import type { VnfPeers } from "../../render/vnf.js";

export type { VnfPeers as Peers } from "../../render/vnf.js";

/**
 * Reads the service's vnf and master VMs from OneGate: GET /service lists the nodes, and each
 * node's address comes from GET /vms/:id (the service view carries no IPs).
 */
export async function discoverPeers(onegate: OneGateClient): Promise<VnfPeers> {
  const service = await onegate.service();
  const addresses = async (role: string) => {
    const nodes = service.roles.find((r) => r.name === role)?.nodes ?? [];
    // A failed read fails the whole round (the caller keeps the last configuration): applying a
    // partial list would drop a live master, or a VRRP peer and so split the endpoint.
    const ips = await Promise.all(nodes.map(async (n) => (await onegate.vmById(n.deployId)).nics[0]?.IP));
    return ips.filter((ip): ip is string => typeof ip === "string").sort();
  };
  return { vnfs: await addresses("vnf"), masters: await addresses("master") };
}
