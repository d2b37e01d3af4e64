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
    uid?: string;
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

const key = (p: PodObject) => `${p.metadata.namespace}/${p.metadata.name}`;

/**
 * One round of a drain, as `kubectl drain` decides it: the evictable pods are evicted (again, if
 * a budget held them), and a pod evicted before counts until it is gone from the API (the same
 * name with another uid is a new pod). The kubelet marks a stopped pod Failed before it deletes
 * it: such a pod is no longer evictable but is not gone, and deleting the Node then would leave it
 * bound to a node that no longer exists.
 */
export function drainRound(
  pods: readonly PodObject[],
  evicted: ReadonlyMap<string, string | undefined>,
): { evict: PodObject[]; waiting: string[] } {
  const evict = evictable(pods);
  const evicting = new Set(evict.map(key));
  const going = pods.filter(
    (p) => !evicting.has(key(p)) && evicted.has(key(p)) && evicted.get(key(p)) === p.metadata.uid,
  );
  return { evict, waiting: [...evict, ...going].map(key) };
}

/** Cordons and drains `node`; resolves with the pods still there when `timeoutMs` ran out (empty: drained). */
export async function drainNode(
  client: KubeClient,
  node: string,
  options: { readonly timeoutMs: number; readonly log: (line: string) => void },
): Promise<string[]> {
  await cordon(client, node);
  const deadline = Date.now() + options.timeoutMs;
  const evicted = new Map<string, string | undefined>();
  for (;;) {
    const { evict: left, waiting } = drainRound(await podsOn(client, node), evicted);
    if (waiting.length === 0) return [];
    if (Date.now() > deadline) return waiting;
    const outcomes = await Promise.all(left.map((p) => evict(client, p)));
    left.forEach((p, i) => {
      if (outcomes[i] === "evicted") evicted.set(key(p), p.metadata.uid);
    });
    const blocked = left.filter((_, i) => outcomes[i] === "blocked").map(key);
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
