/**
 * What the reference's Quick Start shows once the service runs: the nodes, the storage classes
 * and MetalLB's address pools, read through the endpoint with the admin kubeconfig.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { KubeApiError, type KubeClient, kubeClientFromFile } from "../../k8s/client.js";
import { vmDir } from "../../local/names.js";
import { table } from "../io.js";
import { type Cloud, serviceView } from "./access.js";

/** kubeadm's admin kubeconfig as a READY master of the local cloud holds it, if one does. */
export function adminKubeconfig(cloud: Cloud): string | undefined {
  const masters = serviceView(cloud)?.roles.find((r) => r.name === "master")?.vms ?? [];
  return masters
    .filter((vm) => vm.ready)
    .map((vm) => resolve(vmDir(cloud.root, cloud.name, vm.id), "root/etc/kubernetes/admin.conf"))
    .find((file) => existsSync(file));
}

interface Item {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { addresses?: string[] };
  status?: {
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: { kubeletVersion?: string };
  };
  provisioner?: string;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
}

export interface ClusterSummary {
  readonly nodes: readonly Item[];
  readonly storageClasses: readonly Item[];
  /** undefined when MetalLB's CRD is not there. */
  readonly pools: readonly Item[] | undefined;
}

const roles = (labels: Record<string, string> = {}) =>
  Object.keys(labels)
    .filter((l) => l.startsWith("node-role.kubernetes.io/"))
    .map((l) => l.slice("node-role.kubernetes.io/".length))
    .join(",") || "<none>";

/** The three listings, as kubectl prints their main columns. */
export function formatClusterSummary(s: ClusterSummary): string {
  const nodes = s.nodes.map((n) => [
    n.metadata.name,
    n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? "Ready" : "NotReady",
    roles(n.metadata.labels),
    n.status?.nodeInfo?.kubeletVersion ?? "",
    n.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "",
  ]);
  const classes = s.storageClasses.map((c) => [
    c.metadata.name,
    c.provisioner ?? "",
    c.reclaimPolicy ?? "",
    c.volumeBindingMode ?? "",
    String(c.allowVolumeExpansion ?? false),
  ]);
  const pools =
    s.pools === undefined
      ? "  MetalLB's CRDs are not installed\n"
      : s.pools.length === 0
        ? "  none (ONEAPP_K8S_LOADBALANCER_RANGE and ONEAPP_K8S_LOADBALANCER_CONFIG are empty)\n"
        : table([
            ["NAME", "ADDRESSES"],
            ...s.pools.map((p) => [p.metadata.name, (p.spec?.addresses ?? []).join(",")]),
          ]);
  return [
    "NODES",
    table([["NAME", "STATUS", "ROLES", "VERSION", "INTERNAL-IP"], ...nodes]),
    "STORAGE CLASSES",
    table([
      ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION"],
      ...classes,
    ]),
    "METALLB POOLS",
    pools,
  ].join("\n");
}

async function list(client: KubeClient, path: string): Promise<Item[] | undefined> {
  try {
    return ((await client.request("GET", path)) as { items: Item[] }).items;
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function readClusterSummary(kubeconfig: string): Promise<ClusterSummary> {
  const client = kubeClientFromFile(kubeconfig);
  try {
    return {
      nodes: (await list(client, "/api/v1/nodes")) ?? [],
      storageClasses: (await list(client, "/apis/storage.k8s.io/v1/storageclasses")) ?? [],
      pools: await list(client, "/apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools"),
    };
  } finally {
    client.close();
  }
}
