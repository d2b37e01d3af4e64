/**
 * The join material masters publish on OneGate, under the kubeadm-era OneKE names
 * (oneke-appliance-flow.md §1.4), plus when each part stops working: a bootstrap token lives
 * 24 hours and the uploaded certificates 2 hours, so a joiner must know whether what it reads
 * is still good, and the control plane mints new material before the old runs out.
 */
import { attribute, type OneGateVm } from "../../onegate/client-values.js";
import type { JoinMaterial } from "../../render/kubeadm.js";

export const MATERIAL_KEYS = {
  master: "ONEGATE_K8S_MASTER",
  token: "ONEGATE_K8S_TOKEN",
  caCertHash: "ONEGATE_K8S_HASH",
  certificateKey: "ONEGATE_K8S_KEY",
  tokenExpires: "ONEKUBE_K8S_TOKEN_EXPIRES",
  keyExpires: "ONEKUBE_K8S_KEY_EXPIRES",
} as const;

export const TOKEN_TTL_MS = 24 * 3600_000;
export const KEY_TTL_MS = 2 * 3600_000;

export interface PublishedMaterial extends Required<JoinMaterial> {
  /** The master that minted it (its node address). */
  readonly master: string;
  readonly tokenExpires: number;
  readonly keyExpires: number;
}

export function materialAttributes(m: PublishedMaterial): Record<string, string> {
  return {
    [MATERIAL_KEYS.master]: m.master,
    [MATERIAL_KEYS.token]: m.token,
    [MATERIAL_KEYS.caCertHash]: m.caCertHash,
    [MATERIAL_KEYS.certificateKey]: m.certificateKey,
    [MATERIAL_KEYS.tokenExpires]: new Date(m.tokenExpires).toISOString(),
    [MATERIAL_KEYS.keyExpires]: new Date(m.keyExpires).toISOString(),
  };
}

/** What a VM published, if all of it is there. */
export function materialOf(vm: OneGateVm): PublishedMaterial | undefined {
  const get = (k: keyof typeof MATERIAL_KEYS) => attribute(vm, MATERIAL_KEYS[k]);
  const [master, token, caCertHash, certificateKey] = [
    get("master"),
    get("token"),
    get("caCertHash"),
    get("certificateKey"),
  ];
  const tokenExpires = Date.parse(get("tokenExpires") ?? "");
  const keyExpires = Date.parse(get("keyExpires") ?? "");
  if (!master || !token || !caCertHash || !certificateKey) return undefined;
  if (Number.isNaN(tokenExpires) || Number.isNaN(keyExpires)) return undefined;
  return { master, token, caCertHash, certificateKey, tokenExpires, keyExpires };
}

/** The newest material any of these VMs published. */
export function freshest(vms: readonly OneGateVm[]): PublishedMaterial | undefined {
  return vms
    .map(materialOf)
    .filter((m): m is PublishedMaterial => m !== undefined)
    .toSorted((a, b) => b.keyExpires - a.keyExpires)[0];
}

/** Whether a joiner of this kind can still use the material for `marginMs` from `now`. */
export function usable(m: PublishedMaterial, controlPlane: boolean, now: number, marginMs: number): boolean {
  return m.tokenExpires > now + marginMs && (!controlPlane || m.keyExpires > now + marginMs);
}
