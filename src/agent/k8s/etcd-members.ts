/**
 * etcd members whose master VM is gone from the service (a VM that vanished, or a leaving master
 * whose own removal failed) weaken quorum for ever: the leader removes each one it sees twice
 * in a row (a joining master is named on OneGate before its member exists, so it is never one).
 */
import { etcdMembers, removeEtcdMember } from "../../node/etcd.js";
import { attribute, type OneGateVm } from "../../onegate/client-values.js";

export function strayMembers(
  members: readonly { id: string; name: string }[],
  masters: readonly OneGateVm[],
): { id: string; name: string }[] {
  const named = new Set(masters.map((vm) => attribute(vm, "ONEGATE_K8S_NODE_NAME")).filter(Boolean));
  // A member without a name has been added but has not started yet: not ours to judge.
  return members.filter((m) => m.name !== "" && !named.has(m.name));
}

export async function reconcileEtcd(
  masters: readonly OneGateVm[],
  seenBefore: ReadonlySet<string>,
  log: (l: string) => void,
): Promise<Set<string>> {
  const stray = strayMembers(await etcdMembers(), masters);
  for (const m of stray.filter((s) => seenBefore.has(s.id))) {
    log(`[etcd] member ${m.name} (${m.id}) has no master VM any more: removing it`);
    await removeEtcdMember(m.id);
  }
  return new Set(stray.map((m) => m.id));
}
