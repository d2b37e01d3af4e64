/**
 * Taking a node out of the cluster as `kubectl drain` and `kubectl delete node` would: cordon,
 * evict its pods through the Eviction API (so PodDisruptionBudgets are respected: a refused
 * eviction is retried until a bound), wait until they are gone, then delete the Node.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { KubeApiError, type KubeClient } from "./client.js";

export interface PodObject {
  metadata: {
    name: string;
    namespace: string;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string }[];
  };
  status?: { phase?: string };
}

/** Pods a drain evicts: not DaemonSet pods (they stay by design), not static pods, not finished ones. */
export function evictable(pods: readonly PodObject[]): PodObject[] {
  return pods.filter(
    (p) =>
      !p.metadata.ownerReferences?.some((o) => o.kind === "DaemonSet") &&
      p.metadata.annotations?.["kubernetes.io/config.mirror"] === undefined &&
      p.status?.phase !== "Succeeded" &&
      p.status?.phase !== "Failed",
  );
}

async function podsOn(client: KubeClient, node: string): Promise<PodObject[]> {
  const list = (await client.request("GET", `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`)) as {
    items: PodObject[];
  };
  return list.items;
}

export async function cordon(client: KubeClient, node: string): Promise<void> {
  await client.request("PATCH", `/api/v1/nodes/${node}`, {
    body: { spec: { unschedulable: true } },
    contentType: "application/merge-patch+json",
  });
}

async function evict(client: KubeClient, pod: PodObject): Promise<"evicted" | "blocked"> {
  const { name, namespace } = pod.metadata;
  try {
    await client.request("POST", `/api/v1/namespaces/${namespace}/pods/${name}/eviction`, {
      body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } },
    });
    return "evicted";
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return "evicted";
    // 429: a disruption budget does not allow it now.
    if (error instanceof KubeApiError && error.status === 429) return "blocked";
    throw error;
  }
}

/** Cordons and drains `node`; resolves with the pods still there when `timeoutMs` ran out (empty: drained). */
export async function drainNode(
  client: KubeClient,
  node: string,
  options: { readonly timeoutMs: number; readonly log: (line: string) => void },
): Promise<string[]> {
  await cordon(client, node);
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const left = evictable(await podsOn(client, node));
    if (left.length === 0) return [];
    const names = left.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    if (Date.now() > deadline) return names;
    const outcomes = await Promise.all(left.map((p) => evict(client, p)));
    const blocked = names.filter((_, i) => outcomes[i] === "blocked");
    if (blocked.length > 0) options.log(`[drain] ${node}: disruption budget holds ${blocked.join(", ")}`);
    await sleep(1000);
  }
}

export async function deleteNode(client: KubeClient, node: string): Promise<boolean> {
  try {
    await client.request("DELETE", `/api/v1/nodes/${node}`);
    return true;
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return false;
    throw error;
  }
}

/** Longhorn replicas kept on `node` (none where Longhorn's CRDs are absent). */
export async function longhornReplicasOn(client: KubeClient, node: string): Promise<string[]> {
  try {
    const list = (await client.request(
      "GET",
      "/apis/longhorn.io/v1beta2/namespaces/longhorn-system/replicas",
    )) as {
      items: { metadata: { name: string }; spec?: { nodeID?: string } }[];
    };
    return list.items.filter((r) => r.spec?.nodeID === node).map((r) => r.metadata.name);
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return [];
    throw error;
  }
}
