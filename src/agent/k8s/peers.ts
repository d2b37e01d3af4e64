import type { OneGateClient } from "../../onegate/client.js";
import { attribute, type OneGateVm } from "../../onegate/client-values.js";
import type { PeerNode } from "../../render/cni-bridge.js";

/** The VMs of a role, each read in full from OneGate (what they published), oldest first. */
export async function roleVms(onegate: OneGateClient, role: string): Promise<OneGateVm[]> {
  const service = await onegate.service();
  const nodes = service.roles.find((r) => r.name === role)?.nodes ?? [];
  const vms = await Promise.all(nodes.map((n) => onegate.vmById(n.deployId)));
  return vms.toSorted((a, b) => a.id - b.id);
}

/** READY=YES as the agent reports it. */
export const isReady = (vm: OneGateVm): boolean => String(vm.userTemplate.READY ?? "").trim() === "YES";

/** Where a node publishes the pod CIDR the controller manager gave it (bridge pod network). */
export const POD_CIDR_KEY = "ONEKUBE_POD_CIDR";

/**
 * Every Kubernetes node's address and pod CIDR, as the nodes published them: a kubelet may
 * read only its own Node, so the peers' CIDRs travel through OneGate as the rest does.
 */
export async function podCidrPeers(onegate: OneGateClient): Promise<PeerNode[]> {
  const peers: PeerNode[] = [];
  for (const role of ["master", "worker", "storage"]) {
    for (const vm of await roleVms(onegate, role)) {
      const address = vm.nics[0]?.IP;
      const podCidr = attribute(vm, POD_CIDR_KEY);
      if (address && podCidr) peers.push({ address, podCidr });
    }
  }
  return peers;
}
