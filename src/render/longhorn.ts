import type { KubeObject } from "../params/types.js";
import { toYaml } from "./yaml.js";

/**
 * Longhorn's storage classes exactly as the reference documents them: `longhorn` (volumes
 * deleted with their claim) and `longhorn-retain` (volumes kept). Neither is annotated as the
 * cluster's default class: the reference's `kubectl get storageclass` shows no "(default)", and
 * its example claims name their class.
 */

const PARAMETERS = {
  fsType: "ext4",
  numberOfReplicas: "3",
  staleReplicaTimeout: "2880",
  fromBackup: "",
} as const;

function storageClass(name: string, reclaimPolicy: "Delete" | "Retain"): KubeObject {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name },
    provisioner: "driver.longhorn.io",
    allowVolumeExpansion: true,
    reclaimPolicy,
    volumeBindingMode: "Immediate",
    parameters: { ...PARAMETERS },
  };
}

export function renderLonghornStorageClasses(): KubeObject[] {
  return [storageClass("longhorn", "Delete"), storageClass("longhorn-retain", "Retain")];
}

/**
 * Longhorn's manager owns the `longhorn` class: it (re)creates it from the ConfigMap
 * `longhorn-system/longhorn-storageclass` whenever the class lacks its last-applied annotation
 * or differs from that ConfigMap, so a class applied by us alone would be replaced by
 * upstream's (other parameters). Putting our class into that ConfigMap makes the manager
 * create ours; we still apply the class itself too (k8s/addons.ts), for clusters where the
 * manager does not run. Returns a patched copy of the upstream objects; throws if the
 * ConfigMap is gone.
 */
export function withLonghornDefaultClass(objects: readonly KubeObject[]): KubeObject[] {
  const copy = structuredClone(objects) as KubeObject[];
  const configMap = copy.find(
    (o) =>
      o.kind === "ConfigMap" &&
      o.metadata.name === "longhorn-storageclass" &&
      o.metadata.namespace === "longhorn-system",
  );
  const data = configMap?.data as Record<string, unknown> | undefined;
  if (typeof data?.["storageclass.yaml"] !== "string") {
    throw new Error(
      "the Longhorn manifest has no ConfigMap longhorn-system/longhorn-storageclass with data.storageclass.yaml: has upstream changed its shape?",
    );
  }
  const [defaultClass] = renderLonghornStorageClasses();
  data["storageclass.yaml"] = toYaml(defaultClass);
  return copy;
}
