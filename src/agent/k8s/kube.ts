/**
 * The few reads the node agent makes of the Kubernetes API (its own node, its peers, the join
 * secrets), through the official client and a kubeconfig kubeadm wrote on this node.
 */
import { CoreV1Api, KubeConfig, type V1Node } from "@kubernetes/client-node";

export function coreApi(kubeconfig: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

export interface NodeView {
  readonly name: string;
  readonly address?: string;
  readonly podCidr?: string;
  readonly ready: boolean;
}

export function nodeView(n: V1Node): NodeView {
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

export async function listNodes(api: CoreV1Api): Promise<NodeView[]> {
  return (await api.listNode()).items.map(nodeView);
}

/** The node, or undefined while it is not registered. */
export async function readNode(api: CoreV1Api, name: string): Promise<NodeView | undefined> {
  try {
    return nodeView(await api.readNode({ name }));
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

/** An API error as a person can read it: status and the API's own message. */
export function describeApiError(error: unknown): string {
  const status = statusOf(error);
  const body = (error as { body?: unknown }).body;
  let message: string | undefined;
  try {
    const parsed = typeof body === "string" ? (JSON.parse(body) as { message?: string }) : undefined;
    message = parsed?.message;
  } catch {
    message = typeof body === "string" ? body.slice(0, 200) : undefined;
  }
  if (status === undefined) return error instanceof Error ? error.message : String(error);
  return `Kubernetes API answered ${status}${message ? `: ${message}` : ""}`;
}
