import type { Endpoint, KubeObject } from "../params/types.js";

/**
 * Canal without Calico: where Calico's images cannot be had (no source of them is served to build
 * from, proving-ground.md), Canal's flannel half still gives the pod network its VXLAN data path.
 * Calico's containers leave the `canal` DaemonSet, and its kube-controllers (with their
 * disruption budget) are not applied; its CRDs, RBAC and configuration stay, so that the real
 * Canal can be applied over it once the images are there. NetworkPolicy is then not enforced.
 */

type Json = Record<string, unknown>;

const CALICO_IMAGE = /^(quay\.io\/|docker\.io\/)?calico\//;

const isCalicoContainer = (c: unknown) =>
  typeof c === "object" && c !== null && CALICO_IMAGE.test(String((c as Json).image ?? ""));

const named = (o: KubeObject, kind: string, name: string) => o.kind === kind && o.metadata.name === name;

/** What `canalWithoutCalico` leaves out, for the add-on's status. */
export const WITHOUT_CALICO_NOTE =
  "without Calico (its images have no source served here): flannel's VXLAN data path only; NetworkPolicy is not enforced";

/**
 * `endpoint`: the control-plane endpoint flanneld talks to instead of the `kubernetes` Service,
 * whose ClusterIP works only once kube-proxy runs on the node (flanneld would fail and restart once).
 */
export function canalWithoutCalico(objects: readonly KubeObject[], endpoint?: Endpoint): KubeObject[] {
  const out: KubeObject[] = [];
  for (const object of objects) {
    if (named(object, "Deployment", "calico-kube-controllers")) continue;
    if (named(object, "PodDisruptionBudget", "calico-kube-controllers")) continue;
    if (!named(object, "DaemonSet", "canal")) {
      out.push(object);
      continue;
    }
    const copy = structuredClone(object) as unknown as Json;
    const podSpec = ((copy.spec as Json | undefined)?.template as Json | undefined)?.spec as Json | undefined;
    const containers = Array.isArray(podSpec?.containers) ? (podSpec.containers as Json[]) : [];
    const flannel = containers.find((c) => c.name === "kube-flannel");
    if (!podSpec || !flannel)
      throw new Error(
        "DaemonSet kube-system/canal has no container kube-flannel: has upstream changed its shape?",
      );
    if (endpoint) {
      const env = Array.isArray(flannel.env) ? (flannel.env as Json[]) : [];
      flannel.env = [
        ...env.filter((e) => e.name !== "KUBERNETES_SERVICE_HOST" && e.name !== "KUBERNETES_SERVICE_PORT"),
        { name: "KUBERNETES_SERVICE_HOST", value: endpoint.address },
        { name: "KUBERNETES_SERVICE_PORT", value: String(endpoint.port) },
      ];
    }
    podSpec.containers = containers.filter((c) => !isCalicoContainer(c));
    if (Array.isArray(podSpec.initContainers)) {
      const init = (podSpec.initContainers as unknown[]).filter((c) => !isCalicoContainer(c));
      if (init.length > 0) podSpec.initContainers = init;
      else delete podSpec.initContainers;
    }
    out.push(copy as unknown as KubeObject);
  }
  return out;
}
