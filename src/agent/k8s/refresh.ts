/**
 * Keeps the published join material usable, on the oldest READY master: a bootstrap token
 * lives 24 h and the uploaded certificates 2 h, so a master or worker added days later must
 * find fresh ones. Material is renewed when it nears its end or when the cluster lost it
 * (its Secret is gone: expired, or deleted by an operator).
 */

import type { KubeClient } from "../../k8s/client.js";
import { caCertHash, createToken, generateMaterial, uploadCerts } from "../../node/kubeadm.js";
import { CA_CERT } from "../../node/paths.js";
import type { OneGateClient } from "../../onegate/client.js";
import type { OneGateVm } from "../../onegate/client-values.js";
import { exec } from "./cluster.js";
import { getOrUndefined } from "./kube.js";
import {
  freshest,
  KEY_TTL_MS,
  materialAttributes,
  type PublishedMaterial,
  TOKEN_TTL_MS,
} from "./material.js";

const TOKEN_RENEW_MS = 12 * 3600_000;
const KEY_RENEW_MS = 60 * 60_000;

async function secretExists(api: KubeClient, name: string): Promise<boolean> {
  return (await getOrUndefined(api, `/api/v1/namespaces/kube-system/secrets/${name}`)) !== undefined;
}

/** Renews what needs it and publishes the result on this master; true when it changed anything. */
export async function refreshMaterial(
  onegate: OneGateClient,
  api: KubeClient,
  masters: readonly OneGateVm[],
  address: string,
  log: (l: string) => void,
): Promise<boolean> {
  const now = Date.now();
  const current = freshest(masters);
  const tokenOk =
    current !== undefined &&
    current.tokenExpires > now + TOKEN_RENEW_MS &&
    (await secretExists(api, `bootstrap-token-${current.token.split(".")[0]}`));
  const keyOk =
    current !== undefined &&
    current.keyExpires > now + KEY_RENEW_MS &&
    (await secretExists(api, "kubeadm-certs"));
  if (tokenOk && keyOk) return false;
  const fresh = await generateMaterial(exec);
  let next: PublishedMaterial = {
    master: address,
    caCertHash: caCertHash(CA_CERT),
    token: current?.token ?? fresh.token,
    tokenExpires: current?.tokenExpires ?? 0,
    certificateKey: current?.certificateKey ?? fresh.certificateKey,
    keyExpires: current?.keyExpires ?? 0,
  };
  if (!tokenOk) {
    await createToken(exec, fresh.token, `${TOKEN_TTL_MS / 3600_000}h`);
    next = { ...next, token: fresh.token, tokenExpires: now + TOKEN_TTL_MS };
    log("[control-plane] minted a new bootstrap token");
  }
  if (!keyOk) {
    await uploadCerts(exec, fresh.certificateKey);
    next = { ...next, certificateKey: fresh.certificateKey, keyExpires: now + KEY_TTL_MS };
    log("[control-plane] uploaded the control-plane certificates under a new key");
  }
  await onegate.update(materialAttributes(next));
  return true;
}
