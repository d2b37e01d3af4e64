import { parse } from "yaml";
import type { KubeObject } from "../params/types.js";
import { STORAGE_NODE_KEY } from "./kubeadm.js";
import { toYaml } from "./yaml.js";

/** The storage nodes' taint, as Longhorn's `taint-toleration` setting spells a toleration. */
const TOLERATION = { key: STORAGE_NODE_KEY, operator: "Equal", value: "true", effect: "NoSchedule" } as const;

function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const o = objects.find(
    (x) => x.kind === kind && x.metadata.name === name && x.metadata.namespace === "longhorn-system",
  );
  if (!o)
    throw new Error(
      `the Longhorn manifest has no ${kind} longhorn-system/${name}: has upstream changed its shape?`,
    );
  return o;
}

/**
 * Longhorn set up for the service's storage nodes: default disks only on nodes labelled
 * `node.longhorn.io/create-default-disk=true` (the storage role), at the storage disk's mount
 * point, and its components tolerating the storage nodes' NoSchedule taint (the manager's
 * DaemonSet here; what the manager creates, through its `taint-toleration` setting). Ordinary
 * pods keep away from storage nodes: they do not tolerate the taint.
 */
export function withLonghornStorageNodes(objects: readonly KubeObject[], mountpoint: string): KubeObject[] {
  const copy = structuredClone(objects) as KubeObject[];
  const settings = find(copy, "ConfigMap", "longhorn-default-setting");
  const data = settings.data as Record<string, unknown> | undefined;
  const text = data?.["default-setting.yaml"];
  if (!data || typeof text !== "string")
    throw new Error("the Longhorn ConfigMap longhorn-default-setting has no data.default-setting.yaml");
  data["default-setting.yaml"] = toYaml({
    ...((parse(text) as Record<string, unknown> | null) ?? {}),
    "create-default-disk-labeled-nodes": "true",
    "default-data-path": mountpoint,
    "taint-toleration": `${TOLERATION.key}=${TOLERATION.value}:${TOLERATION.effect}`,
  });
  const manager = find(copy, "DaemonSet", "longhorn-manager");
  const pod = (manager.spec as { template: { spec: { tolerations?: unknown[] } } }).template.spec;
  pod.tolerations = [...(pod.tolerations ?? []), { ...TOLERATION }];
  return copy;
}
