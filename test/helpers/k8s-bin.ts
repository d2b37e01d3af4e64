import { existsSync } from "node:fs";
import { join } from "node:path";
import { VERSIONS } from "../../src/versions.js";

/** Path of a Kubernetes binary built by tools/k8s/build.sh; fails clearly when it was not built. */
export function k8sBinary(name: string): string {
  const cache = process.env.ONEKUBE_CACHE ?? "/var/cache/onekube";
  const path = join(cache, "k8s", VERSIONS.kubernetes, "bin", name);
  if (!existsSync(path))
    throw new Error(`${path} is missing: run tools/k8s/build.sh ${name} (scripts/setup does)`);
  return path;
}
