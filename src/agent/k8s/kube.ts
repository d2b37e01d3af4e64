/**
 * The few reads the node agent makes of the Kubernetes API (its own Node, the join Secrets),
 * through the project's one API client and a kubeconfig kubeadm wrote on this node.
 */
import { KubeApiError, type KubeClient } from "../../k8s/client.js";

export interface NodeView {
  readonly name: string;
  readonly address?: string;
  readonly podCidr?: string;
  readonly ready: boolean;
}

interface NodeObject {
  metadata?: { name?: string };
  spec?: { podCIDR?: string };
  status?: {
    addresses?: { type: string; address: string }[];
    conditions?: { type: string; status: string }[];
  };
}

export function nodeView(n: NodeObject): NodeView {
  const address = n.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  const podCidr = n.spec?.podCIDR;
  const ready = n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  return {
    name: n.metadata?.name ?? "",
    ready,
    ...(address ? { address } : {}),
    ...(podCidr ? { podCidr } : {}),
  };
}

/** An object, or undefined when the API says 404. */
export async function getOrUndefined(client: KubeClient, path: string): Promise<unknown> {
  try {
    return await client.request("GET", path);
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** The node, or undefined while it is not registered. */
export async function readNode(client: KubeClient, name: string): Promise<NodeView | undefined> {
  const node = await getOrUndefined(client, `/api/v1/nodes/${name}`);
  return node === undefined ? undefined : nodeView(node as NodeObject);
}

/** An API error as a person can read it: status and the API's own message. */
export function describeApiError(error: unknown): string {
  if (error instanceof KubeApiError) return `Kubernetes API answered ${error.status}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
