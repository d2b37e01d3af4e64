import type { OneGateClient } from "../../onegate/client.js";
import type { OneGateVm } from "../../onegate/client-values.js";

/** The VMs of a role, each read in full from OneGate (what they published), oldest first. */
export async function roleVms(onegate: OneGateClient, role: string): Promise<OneGateVm[]> {
  const service = await onegate.service();
  const nodes = service.roles.find((r) => r.name === role)?.nodes ?? [];
  const vms = await Promise.all(nodes.map((n) => onegate.vmById(n.deployId)));
  return vms.toSorted((a, b) => a.id - b.id);
}

/** READY=YES as the agent reports it. */
export const isReady = (vm: OneGateVm): boolean => String(vm.userTemplate.READY ?? "").trim() === "YES";
