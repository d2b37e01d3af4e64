/**
 * What the local cloud's "VM image" holds besides the host's own files: the Kubernetes, runtime
 * and etcd binaries built into the cache (on PATH), and the variables that tell the agent about
 * this platform's quirks (node/platform.ts): images come from the cloud's registry (or archives), pods use the bridge
 * network, each VM gets its own cgroup root, add-on manifests come from a directory.
 */
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PLATFORM_ENV } from "../node/platform.js";
import { VERSIONS } from "../versions.js";

export const cacheDir = (env: Readonly<Record<string, string | undefined>> = process.env) =>
  env.ONEKUBE_CACHE ?? "/var/cache/onekube";

/** The pinned upstream manifests beside the repository (../shared/upstream), when present. */
function defaultAddonsDir(): string | undefined {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
  const dir = join(repo, "..", "shared", "upstream");
  return existsSync(dir) ? dir : undefined;
}

export interface VmImage {
  /** Directories put before the VM's standard PATH. */
  readonly path: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * `registry`: the cloud serves the images from its own registry (ONEAPP_K8S_REGISTRY_MIRROR),
 * so the VMs pull; without it they import the archives of the build cache.
 */
export function localVmImage(
  env: Readonly<Record<string, string | undefined>> = process.env,
  o: { registry?: boolean } = {},
): VmImage {
  const cache = cacheDir(env);
  const addons = env[PLATFORM_ENV.addonsDir] ?? defaultAddonsDir();
  const pass = (key: string) => (env[key] ? { [key]: env[key] as string } : {});
  return {
    path: [
      join(cache, "k8s", VERSIONS.kubernetes, "bin"),
      join(cache, "containerd", VERSIONS.containerd, "bin"),
      join(cache, "runc", VERSIONS.runc, "bin"),
      join(cache, "etcd", `v${VERSIONS.etcd}`, "bin"),
    ],
    env: {
      ...(o.registry ? {} : { [PLATFORM_ENV.imageArchives]: join(cache, "images", VERSIONS.kubernetes) }),
      // Served images include flannel's: Canal's VXLAN data path runs (without Calico's images).
      [PLATFORM_ENV.podNetwork]: o.registry ? "flannel" : "bridge",
      ...(addons ? { [PLATFORM_ENV.addonsDir]: addons } : {}),
      ...pass(PLATFORM_ENV.runtime),
      ...pass(PLATFORM_ENV.loopSeconds),
    },
  };
}

/** Each VM's own cgroup root, named for its namespace (teardown removes it). */
export const vmCgroupRoot = (namespace: string) => `/onekube/${namespace}`;

/**
 * A directory of links to the image's tools (kubectl, kubeadm, crictl-like ones), laid over the
 * VM's /usr/local/bin, where the appliance keeps them: what a login shell finds on its PATH.
 * The first directory of `path` holding a name wins, as on PATH.
 */
export function linkImageTools(image: VmImage, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const linked = new Set(readdirSync(dir));
  for (const from of image.path.filter((d) => existsSync(d))) {
    for (const name of readdirSync(from)) {
      const target = join(from, name);
      if (linked.has(name) || !statSync(target).isFile() || (statSync(target).mode & 0o111) === 0) continue;
      symlinkSync(target, join(dir, name));
      linked.add(name);
    }
  }
}
