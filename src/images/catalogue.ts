import type { Ipv4Cidr, KubeObject } from "../params/types.js";
import { loadManifest, renderCanal } from "../render/canal.js";
import { withLonghornDefaultClass } from "../render/longhorn.js";
import { VERSIONS } from "../versions.js";
import {
  ADDON_IMAGES_RECIPE,
  type AddonImage,
  addonImageOf,
  builtReference,
  splitReference,
} from "./addon-images.js";
import { CONTAINER_FIELDS, child, podSpecOf } from "./pod-specs.js";

/**
 * The container images a onekube cluster runs, and how onekube obtains each one. No release
 * binaries or registry pulls exist on the proving ground (shared/reference/proving-ground.md):
 * an image is either `built` from a Go module the module proxy serves, by a recipe in this
 * repository (`onekube images build`), or `upstream-only` (only the upstream registry has it), with the reason. Pure: no I/O here.
 */

/** The recipe that builds the kubeadm images (from binaries tools/k8s and tools/build make). */
export const IMAGES_RECIPE = "tools/build/images.sh";

export type ImageSource =
  | {
      readonly kind: "built";
      /** The Go module and version the binary comes from. */
      readonly module: string;
      readonly recipe: string;
      /** The reference onekube builds, where the manifest names another (objects are patched). */
      readonly reference?: string;
      readonly note?: string;
    }
  | {
      readonly kind: "upstream-only";
      readonly reason: string;
      readonly note?: string;
    };

/** A container of a workload object that names an image. */
export interface ContainerUse {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly container: string;
  readonly init?: true;
}

/** A kubeadm component (a static pod, kube-proxy's DaemonSet, CoreDNS, every pod's sandbox). */
export interface KubeadmUse {
  readonly kind: "kubeadm";
  readonly component: string;
}

export type ImageUse = ContainerUse | KubeadmUse;

export interface ImageRef {
  readonly reference: string;
  readonly usedBy: readonly ContainerUse[];
}

export interface CatalogueEntry {
  readonly reference: string;
  readonly source: ImageSource;
  readonly usedBy: readonly ImageUse[];
}

const K8S_MODULE = `k8s.io/kubernetes@${VERSIONS.kubernetes}`;

function built(module: string, note?: string): ImageSource {
  return { kind: "built", module, recipe: IMAGES_RECIPE, ...(note === undefined ? {} : { note }) };
}

/**
 * The seven images `kubeadm config images list --kubernetes-version v1.36.3` names, in its order,
 * each built by tools/build/images.sh under the exact upstream name.
 */
export function kubeadmImages(): CatalogueEntry[] {
  const k8s = VERSIONS.kubernetes;
  const entry = (reference: string, component: string, source: ImageSource): CatalogueEntry => ({
    reference,
    source,
    usedBy: [{ kind: "kubeadm", component }],
  });
  return [
    ...(["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy"] as const).map((c) =>
      entry(`registry.k8s.io/${c}:${k8s}`, c, built(K8S_MODULE)),
    ),
    entry(
      `registry.k8s.io/coredns/coredns:${VERSIONS.coredns}`,
      "coredns",
      built(`github.com/coredns/coredns@${VERSIONS.coredns}`),
    ),
    entry(
      `registry.k8s.io/pause:${VERSIONS.pause}`,
      "pause (pod sandbox)",
      built(K8S_MODULE, "build/pause/linux/pause.c, compiled with gcc -Os -static"),
    ),
    // kubeadm tags etcd with an image revision suffix.
    entry(
      `registry.k8s.io/etcd:${VERSIONS.etcd}-0`,
      "etcd",
      built(`go.etcd.io/etcd/server/v3@v${VERSIONS.etcd}`),
    ),
  ];
}

function compareUse(a: ContainerUse, b: ContainerUse): number {
  const key = (u: ContainerUse) => [u.kind, u.namespace ?? "", u.name, u.container].join("\0");
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/**
 * Every image the containers and initContainers of the workloads in `objects` run, once each,
 * sorted by reference, with the containers that use it. A container without a string image
 * is an error (the manifest is not what we expect), not something to skip.
 */
export function imagesOf(objects: readonly KubeObject[]): ImageRef[] {
  const uses = new Map<string, ContainerUse[]>();
  for (const object of objects) {
    const podSpec = podSpecOf(object);
    if (podSpec === undefined) continue;
    const where = `${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name}`;
    for (const field of CONTAINER_FIELDS) {
      const list = child(podSpec, field);
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw new Error(`${where}: ${field} is not a list`);
      for (const container of list) {
        const name = child(container, "name");
        const image = child(container, "image");
        if (typeof name !== "string" || typeof image !== "string" || image === "")
          throw new Error(`${where}: an entry of ${field} has no name or no image`);
        const use: ContainerUse = {
          kind: object.kind,
          ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
          name: object.metadata.name,
          container: name,
          ...(field === "initContainers" ? { init: true as const } : {}),
        };
        const list = uses.get(image) ?? [];
        list.push(use);
        uses.set(image, list);
      }
    }
  }
  return [...uses.keys()]
    .sort()
    .map((reference) => ({ reference, usedBy: [...(uses.get(reference) ?? [])].sort(compareUse) }));
}

/** The served module the standard CNI plugins come from (proving-ground.md), for a note. */
const CNI_PLUGINS = { module: "github.com/containernetworking/plugins", line: "v1.9" } as const;

/** An add-on image onekube builds; a manifest that pins another tag is patched to the built one. */
function builtAddon(image: AddonImage, reference: string): ImageSource {
  const target = builtReference(image);
  const source = {
    kind: "built",
    module: `${image.module}@${image.version}`,
    recipe: ADDON_IMAGES_RECIPE,
  } as const;
  if (target === reference) return source;
  return {
    ...source,
    reference: target,
    note: `the manifest pins ${splitReference(reference).tag}, whose source the Go module proxy does not serve: onekube builds ${target} and points the objects at it (withBuiltAddonImages)`,
  };
}

const CALICO_REASON =
  "github.com/projectcalico/calico lists no versions on the Go module proxy (its tags are not valid module versions; at most a commit pseudo-version is served)";
const LONGHORN_MANAGER_REASON =
  "github.com/longhorn/longhorn-manager lists no versions on the Go module proxy";

/** How onekube obtains an add-on image, decided by its repository. */
export function addonImageSource(reference: string): ImageSource {
  const built = addonImageOf(reference);
  if (built) return builtAddon(built, reference);
  const { repository } = splitReference(reference);
  if (repository === "quay.io/calico/cni")
    return {
      kind: "upstream-only",
      reason: CALICO_REASON,
      note: `the standard CNI plugins it installs come from ${CNI_PLUGINS.module} (${CNI_PLUGINS.line}.x is served), but its calico and calico-ipam plugins are Calico's own`,
    };
  if (repository.startsWith("quay.io/calico/")) return { kind: "upstream-only", reason: CALICO_REASON };
  if (repository === "docker.io/longhornio/longhorn-manager")
    return { kind: "upstream-only", reason: LONGHORN_MANAGER_REASON };
  if (repository === "docker.io/longhornio/longhorn-ui")
    return {
      kind: "upstream-only",
      reason: `Longhorn's web UI is a JavaScript application (github.com/longhorn/longhorn-ui), not a Go module; and ${LONGHORN_MANAGER_REASON}`,
    };
  if (repository.startsWith("docker.io/longhornio/"))
    return {
      kind: "upstream-only",
      reason: `no served Go module is known for ${repository} (proving-ground.md records none for Longhorn: ${LONGHORN_MANAGER_REASON})`,
    };
  return { kind: "upstream-only", reason: `no known source for ${repository}: not in onekube's catalogue` };
}

/**
 * The kubeadm images (kubeadm's order) then every image the add-on objects use (sorted), each
 * with how onekube obtains it. An add-on image that kubeadm also lists joins kubeadm's entry.
 */
export function catalogue(addonObjects: readonly KubeObject[]): CatalogueEntry[] {
  const base = kubeadmImages();
  const addons: CatalogueEntry[] = [];
  for (const image of imagesOf(addonObjects)) {
    const index = base.findIndex((e) => e.reference === image.reference);
    const existing = base[index];
    if (existing) {
      base[index] = { ...existing, usedBy: [...existing.usedBy, ...image.usedBy] };
      continue;
    }
    addons.push({
      reference: image.reference,
      source: addonImageSource(image.reference),
      usedBy: image.usedBy,
    });
  }
  return [...base, ...addons];
}

/** The pod network onekube's default configuration gives Canal. */
export const DEFAULT_PODS_NETWORK: Ipv4Cidr = { address: "10.244.0.0", prefix: 16 };

export interface AddonManifestTexts {
  readonly canal?: string;
  readonly longhorn?: string;
  readonly metallb?: string;
}

/**
 * The add-on objects as the first master applies them: Canal with the pod network set,
 * Longhorn with onekube's default storage class, MetalLB's manifest as loaded.
 */
export function renderAddonObjects(
  texts: AddonManifestTexts,
  podsNetwork: Ipv4Cidr = DEFAULT_PODS_NETWORK,
): KubeObject[] {
  return [
    ...(texts.canal === undefined ? [] : renderCanal(loadManifest(texts.canal), podsNetwork)),
    ...(texts.longhorn === undefined ? [] : withLonghornDefaultClass(loadManifest(texts.longhorn))),
    ...(texts.metallb === undefined ? [] : loadManifest(texts.metallb)),
  ];
}

/** One line per use, for tables. */
export function describeUse(use: ImageUse): string {
  if ("component" in use) return `kubeadm ${use.component}`;
  return `${use.kind} ${use.namespace === undefined ? "" : `${use.namespace}/`}${use.name} ${use.init ? "init " : ""}container ${use.container}`;
}
