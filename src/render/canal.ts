import { parseAllDocuments } from "yaml";
import { cidrToString } from "../params/ipv4.js";
import type { Ipv4Cidr, KubeObject } from "../params/types.js";

/**
 * Canal is installed from the pinned upstream manifest, parsed into objects and patched as
 * objects (never by text search), so that an upstream change of shape fails loudly here
 * instead of silently producing a manifest with the wrong pod network.
 */

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isKubeObject(value: unknown): value is KubeObject {
  return (
    isRecord(value) &&
    typeof value.apiVersion === "string" &&
    typeof value.kind === "string" &&
    isRecord(value.metadata) &&
    typeof value.metadata.name === "string"
  );
}

/** A multi-document YAML manifest as objects, in document order; empty documents are dropped. */
export function loadManifest(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    const error = doc.errors[0];
    if (error) throw new Error(`manifest document ${index + 1} is not valid YAML: ${error.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (!isKubeObject(value)) {
      throw new Error(
        `manifest document ${index + 1} is not a Kubernetes object (apiVersion, kind, metadata.name)`,
      );
    }
    objects.push(value);
  });
  return objects;
}

function find(objects: Json[], kind: string, name: string, namespace: string): Json {
  const found = objects.find((o) => {
    const meta = o.metadata as Json;
    return o.kind === kind && meta.name === name && meta.namespace === namespace;
  });
  if (!found)
    throw new Error(
      `the Canal manifest has no ${kind} ${namespace}/${name}: has upstream changed its shape?`,
    );
  return found;
}

function setFlannelNetwork(configMap: Json, cidr: string): void {
  const data = configMap.data;
  const text = isRecord(data) ? data["net-conf.json"] : undefined;
  if (!isRecord(data) || typeof text !== "string") {
    throw new Error(
      "ConfigMap kube-system/canal-config has no data.net-conf.json: has upstream changed its shape?",
    );
  }
  const netConf: unknown = JSON.parse(text);
  if (!isRecord(netConf)) throw new Error("canal-config's net-conf.json is not a JSON object");
  netConf.Network = cidr;
  // Upstream prints it with two-space indentation and a final newline; keep that shape.
  data["net-conf.json"] = `${JSON.stringify(netConf, null, 2)}\n`;
}

function setCalicoPool(daemonSet: Json, cidr: string): void {
  const podSpec = (((daemonSet.spec as Json | undefined)?.template as Json | undefined)?.spec ?? {}) as Json;
  const containers = Array.isArray(podSpec.containers) ? (podSpec.containers as Json[]) : [];
  const node = containers.find((c) => c.name === "calico-node");
  if (!node)
    throw new Error(
      "DaemonSet kube-system/canal has no container calico-node: has upstream changed its shape?",
    );
  if (node.env === undefined) node.env = [];
  if (!Array.isArray(node.env)) throw new Error("calico-node's env is not a list");
  const env = node.env as Json[];
  const existing = env.find((e) => e.name === "CALICO_IPV4POOL_CIDR");
  // Upstream ships this entry commented out; appending (not inserting) leaves other indices alone.
  if (existing) {
    delete existing.valueFrom;
    existing.value = cidr;
  } else {
    env.push({ name: "CALICO_IPV4POOL_CIDR", value: cidr });
  }
}

/** The upstream Canal objects with the pod network set for flannel and Calico's IP pool. */
export function renderCanal(objects: readonly KubeObject[], podsNetwork: Ipv4Cidr): KubeObject[] {
  const copy = structuredClone(objects) as unknown as Json[];
  const cidr = cidrToString(podsNetwork);
  setFlannelNetwork(find(copy, "ConfigMap", "canal-config", "kube-system"), cidr);
  setCalicoPool(find(copy, "DaemonSet", "canal", "kube-system"), cidr);
  return copy as unknown as KubeObject[];
}
