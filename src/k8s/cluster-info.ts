/**
 * Whether the control plane has signed kube-public/cluster-info for a bootstrap token: its
 * `jws-kubeconfig-<token id>` key, which kube-controller-manager's bootstrap signer adds a moment
 * after the token is made. kubeadm's token discovery that finds no signature sleeps 5 s (its
 * DiscoveryRetryInterval) before it looks again: masters that join right after the first one
 * initialised paid that once or twice each, on the service's critical path (issue 14), so a
 * joiner waits for the signature itself, looking often, before it runs kubeadm.
 */
import { probe } from "../node/health.js";

export const clusterInfoPath = "/api/v1/namespaces/kube-public/configmaps/cluster-info";

/** The id of a bootstrap token (`abcdef.0123456789abcdef` → `abcdef`). */
export const tokenId = (token: string): string => token.split(".")[0] ?? "";

/** Whether a cluster-info ConfigMap carries the signature for `id`. */
export function signedFor(configMap: unknown, id: string): boolean {
  const data = (configMap as { data?: Record<string, unknown> } | undefined)?.data;
  return typeof data?.[`jws-kubeconfig-${id}`] === "string";
}

/**
 * Reads cluster-info from `server` (anonymously, as kubeadm's discovery does) and says whether it
 * is signed for `id`; false on any failure. The server's certificate is not checked: the answer
 * only says when to start, and kubeadm then checks the CA pin and the signature itself.
 */
export async function clusterInfoSigned(server: string, id: string, timeoutMs = 2000): Promise<boolean> {
  const r = await probe(new URL(clusterInfoPath, server).href, timeoutMs);
  if (r?.status !== 200) return false;
  try {
    return signedFor(JSON.parse(r.body), id);
  } catch {
    return false;
  }
}
