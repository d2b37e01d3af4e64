/**
 * The control plane's side of departures, on the leader: a worker or storage node that asked
 * to leave is cordoned and drained (budgets respected, bounded), a storage node waits until
 * Longhorn keeps no replica on it (bounded), then its Node is deleted and the answer published
 * on its VM. Nodes whose VM vanished without asking are deleted once they are seen gone twice.
 */

import { setTimeout as sleep } from "node:timers/promises";
import type { KubeClient } from "../../k8s/client.js";
import { deleteNode, drainNode, longhornReplicasOn } from "../../k8s/drain.js";
import type { OneGateClient } from "../../onegate/client.js";
import { attribute, type OneGateVm } from "../../onegate/client-values.js";
import { LEAVE_KEYS } from "./leave.js";
import { persist } from "./persist.js";

const NODE_NAME_KEY = "ONEGATE_K8S_NODE_NAME";

async function waitReplicas(api: KubeClient, node: string, log: (l: string) => void): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const replicas = await longhornReplicasOn(api, node);
    if (replicas.length === 0) return "no Longhorn replica on it";
    if (Date.now() > deadline) return `Longhorn still had ${replicas.length} replica(s) on it after 60 s`;
    log(`[departures] ${node}: waiting for Longhorn to move ${replicas.length} replica(s)`);
    await sleep(2000);
  }
}

export async function serveDepartures(
  onegate: OneGateClient,
  api: KubeClient,
  vms: readonly (OneGateVm & { role: string })[],
  log: (l: string) => void,
): Promise<void> {
  for (const vm of vms) {
    if (attribute(vm, LEAVE_KEYS.leaving) !== "YES" || attribute(vm, LEAVE_KEYS.left)) continue;
    const node = attribute(vm, NODE_NAME_KEY);
    if (!node) continue;
    const steps: string[] = [];
    const say = async (step: string) => {
      steps.push(step);
      log(`[departures] ${node}: ${step}`);
      await onegate.update({ [LEAVE_KEYS.leaving]: "YES", ONEKUBE_LEAVE_STEP: step }, { vmId: vm.id });
    };
    // OneGate values carry no commas, quotes or brackets: steps are worded without them.
    await say("cordoned and draining");
    const left = await persist("departures", () => drainNode(api, node, { timeoutMs: 60_000, log }), log);
    await say(left.length === 0 ? "drained" : `drain bounded: ${left.join(" ")} left`);
    if (vm.role === "storage") await say(await waitReplicas(api, node, log));
    await persist("departures", () => deleteNode(api, node), log);
    await onegate.update({ [LEAVE_KEYS.left]: [...steps, "node deleted"].join("; ") }, { vmId: vm.id });
  }
}

/** Nodes of ours (onekube-ip-*) that no VM of the service names any more. */
export function vanished(nodes: readonly string[], vms: readonly OneGateVm[]): string[] {
  const named = new Set(vms.map((vm) => attribute(vm, NODE_NAME_KEY)).filter(Boolean));
  return nodes.filter((n) => n.startsWith("onekube-ip-") && !named.has(n));
}

/** Deletes the Nodes seen vanished in two rounds running (a VM may be between create and publish). */
export async function reconcileVanished(
  api: KubeClient,
  vms: readonly OneGateVm[],
  seenBefore: Set<string>,
  log: (l: string) => void,
): Promise<Set<string>> {
  const list = (await api.request("GET", "/api/v1/nodes")) as { items: { metadata: { name: string } }[] };
  const gone = vanished(
    list.items.map((n) => n.metadata.name),
    vms,
  );
  for (const node of gone.filter((n) => seenBefore.has(n))) {
    log(`[departures] ${node}: its VM is gone from the service; deleting the Node`);
    await deleteNode(api, node);
  }
  return new Set(gone);
}
