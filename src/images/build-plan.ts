import { createHash } from "node:crypto";
import { join } from "node:path";
import { VERSIONS } from "../versions.js";
import { ADDON_IMAGES, ADDON_IMAGES_RECIPE, builtReference } from "./addon-images.js";

/**
 * What `onekube images build` does for each image, as data: the archive that proves the image is
 * built, and the steps (scripts under tools/) that make it. Pure: the caller reads the recipe's
 * text and checks the archives; this only names paths and commands.
 */

export interface BuildStep {
  /** What the step does, for progress and errors ("go build", "image"). */
  readonly title: string;
  /** A path relative to the repository. */
  readonly script: string;
  readonly args: readonly string[];
}

export interface BuildTarget {
  /** The name `--only` takes (kube-apiserver, etcd, flannel, metallb-speaker, ...). */
  readonly name: string;
  readonly reference: string;
  /** The OCI archive the last step writes; its presence means the image is built. */
  readonly archive: string;
  readonly steps: readonly BuildStep[];
}

/**
 * A cache key from the source version and the recipe's text: an edit to the recipe builds
 * anew beside the old result instead of trusting it.
 */
export function cacheKey(version: string, recipe: string): string {
  return `${version}-${createHash("sha256").update(recipe).digest("hex").slice(0, 12)}`;
}

/** An archive's file name, as tools/build/images.sh names it: the reference less its registry. */
export function archiveName(reference: string): string {
  return `${reference.slice(reference.indexOf("/") + 1).replaceAll(/[/:]/g, "_")}.tar`;
}

const K8S_BUILD = "tools/k8s/build.sh";
const COMPONENTS = "tools/build/components.sh";
const KUBEADM_IMAGES = "tools/build/images.sh";

/** kubeadm's images: binaries from tools/k8s and tools/build (cached there), then images.sh. */
function kubeadmTargets(cache: string): BuildTarget[] {
  const k8s = VERSIONS.kubernetes;
  const target = (name: string, reference: string, binary: BuildStep): BuildTarget => ({
    name,
    reference,
    archive: join(cache, "images", k8s, archiveName(reference)),
    steps: [binary, { title: "image", script: KUBEADM_IMAGES, args: [name] }],
  });
  const kube = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy"];
  return [
    ...kube.map((c) =>
      target(c, `registry.k8s.io/${c}:${k8s}`, { title: "go build", script: K8S_BUILD, args: [c] }),
    ),
    target("coredns", `registry.k8s.io/coredns/coredns:${VERSIONS.coredns}`, {
      title: "go build",
      script: COMPONENTS,
      args: ["coredns"],
    }),
    target("pause", `registry.k8s.io/pause:${VERSIONS.pause}`, {
      title: "gcc",
      script: COMPONENTS,
      args: ["pause"],
    }),
    target("etcd", `registry.k8s.io/etcd:${VERSIONS.etcd}-0`, {
      title: "go build",
      script: COMPONENTS,
      args: ["etcd"],
    }),
  ];
}

/** Where an add-on target's binaries, module and archive live, keyed by version and recipe. */
export function addonDirs(cache: string, target: string, key: string) {
  const dir = join(cache, "addons", target, key);
  return { bin: join(dir, "bin"), src: join(dir, "src"), images: join(cache, "images", "addons", key) };
}

/** Every image onekube builds, kubeadm's first; `addonRecipe` is the text of the add-on recipe. */
export function buildPlan(cache: string, addonRecipe: string): BuildTarget[] {
  const addons = ADDON_IMAGES.map((image): BuildTarget => {
    const reference = builtReference(image);
    const dirs = addonDirs(cache, image.target, cacheKey(image.version, addonRecipe));
    const archive = join(dirs.images, archiveName(reference));
    return {
      name: image.target,
      reference,
      archive,
      steps: [
        {
          title: "go build",
          script: ADDON_IMAGES_RECIPE,
          args: ["binary", image.target, dirs.bin, dirs.src],
        },
        { title: "image", script: ADDON_IMAGES_RECIPE, args: ["image", image.target, dirs.bin, archive] },
      ],
    };
  });
  return [...kubeadmTargets(cache), ...addons];
}

/** The targets `--only` names (by name or reference), in plan order; unknown names are returned. */
export function selectTargets(
  plan: readonly BuildTarget[],
  only: readonly string[],
): { targets: BuildTarget[]; unknown: string[] } {
  if (only.length === 0) return { targets: [...plan], unknown: [] };
  const known = (n: string) => plan.some((t) => t.name === n || t.reference === n);
  return {
    targets: plan.filter((t) => only.includes(t.name) || only.includes(t.reference)),
    unknown: only.filter((n) => !known(n)),
  };
}
