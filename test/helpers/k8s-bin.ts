import { existsSync } from "node:fs";
import { join } from "node:path";
import { VERSIONS } from "../../src/versions.js";

/** The build cache tools/ writes into (never the repository). */
export const CACHE = process.env.ONEKUBE_CACHE ?? "/var/cache/onekube";

function built(path: string, how: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: run ${how} (scripts/setup does)`);
  return path;
}

/** Path of a Kubernetes binary built by tools/k8s/build.sh; fails clearly when it was not built. */
export function k8sBinary(name: string): string {
  return built(join(CACHE, "k8s", VERSIONS.kubernetes, "bin", name), `tools/k8s/build.sh ${name}`);
}

/** Path of a node component built by tools/build/components.sh (containerd, runc, etcd, ...). */
export function componentBinary(
  component: "containerd" | "runc" | "etcd" | "coredns" | "pause",
  name: string,
): string {
  const version = {
    containerd: VERSIONS.containerd,
    runc: VERSIONS.runc,
    etcd: `v${VERSIONS.etcd}`,
    coredns: VERSIONS.coredns,
    pause: VERSIONS.kubernetes,
  }[component];
  return built(join(CACHE, component, version, "bin", name), `tools/build/components.sh ${component}`);
}

/** The OCI archive tools/build/images.sh made for an image reference. */
export function imageArchive(ref: string): string {
  const file = `${ref
    .slice(ref.indexOf("/") + 1)
    .replaceAll("/", "_")
    .replaceAll(":", "_")}.tar`;
  return built(join(CACHE, "images", VERSIONS.kubernetes, file), "tools/build/images.sh");
}
