import type { KubeObject } from "../params/types.js";
import { VERSIONS } from "../versions.js";
import { CONTAINER_FIELDS, child, isRecord, podSpecOf } from "./pod-specs.js";

/**
 * The add-on images onekube builds from Go modules (tools/build/addon-images.sh), each pinned in
 * src/versions.ts, and the pure patch that points add-on objects at them. Pure: no I/O here.
 */

export const ADDON_IMAGES_RECIPE = "tools/build/addon-images.sh";

export type AddonTarget = "flannel" | "metallb-controller" | "metallb-speaker";

export interface AddonImage {
  /** The recipe's name for it (`onekube images build --only NAME`). */
  readonly target: AddonTarget;
  readonly repository: string;
  /** The Go module path and the pinned version it is built from. */
  readonly module: string;
  readonly version: string;
}

export const ADDON_IMAGES: readonly AddonImage[] = [
  {
    target: "flannel",
    repository: "docker.io/flannel/flannel",
    module: "github.com/flannel-io/flannel",
    version: VERSIONS.flannel,
  },
  {
    target: "metallb-controller",
    repository: "quay.io/metallb/controller",
    module: "go.universe.tf/metallb",
    version: VERSIONS.metallb,
  },
  {
    target: "metallb-speaker",
    repository: "quay.io/metallb/speaker",
    module: "go.universe.tf/metallb",
    version: VERSIONS.metallb,
  },
];

/** The reference onekube builds an add-on image under: upstream's repository, the pinned tag. */
export function builtReference(image: AddonImage): string {
  return `${image.repository}:${image.version}`;
}

/** `repository` and `tag` of a reference (no digests: the pinned manifests use none). */
export function splitReference(reference: string): { repository: string; tag: string } {
  const colon = reference.lastIndexOf(":");
  if (colon > reference.lastIndexOf("/")) {
    return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  }
  return { repository: reference, tag: "latest" };
}

/** The built add-on image of a reference's repository, whatever its tag. */
export function addonImageOf(reference: string): AddonImage | undefined {
  const { repository } = splitReference(reference);
  return ADDON_IMAGES.find((i) => i.repository === repository);
}

/**
 * The add-on objects with every container image of a repository onekube builds pointed at the
 * built tag (Canal's `docker.io/flannel/flannel:v0.24.4` becomes the pinned flannel), as new
 * objects; the inputs are not changed, and nothing else in them is. A reference already at the
 * built tag, or of a repository onekube does not build, is left as it is.
 */
export function withBuiltAddonImages(objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((object) => {
    if (!needsPatch(object)) return object;
    const copy = structuredClone(object);
    const podSpec = podSpecOf(copy);
    for (const field of CONTAINER_FIELDS) {
      const list = child(podSpec, field);
      if (!Array.isArray(list)) continue;
      for (const container of list) {
        if (!isRecord(container) || typeof container.image !== "string") continue;
        const image = addonImageOf(container.image);
        if (image) container.image = builtReference(image);
      }
    }
    return copy;
  });
}

function needsPatch(object: KubeObject): boolean {
  const podSpec = podSpecOf(object);
  return CONTAINER_FIELDS.some((field) => {
    const list = child(podSpec, field);
    return (
      Array.isArray(list) &&
      list.some((c) => {
        const image = child(c, "image");
        if (typeof image !== "string") return false;
        const built = addonImageOf(image);
        return built !== undefined && builtReference(built) !== image;
      })
    );
  });
}
