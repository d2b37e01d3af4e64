/**
 * The local cloud's own OCI registry: distribution's registry on the service bridge's gateway,
 * loaded with every image the build cache holds, the same way an operator loads a registry for
 * an air-gapped OpenNebula cloud (`images save` + `images push`). The service then points every
 * node at it through ONEAPP_K8S_REGISTRY_MIRROR, and nothing is pulled from anywhere else.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { builtArchives } from "../images/build.js";
import { pushBundle } from "../images/bundle-push.js";
import { saveBundle } from "../images/bundle-save.js";
import { type RunningRegistry, registryBinary, startRegistry } from "../images/registry.js";

/** distribution's default port, on the gateway address (the VMs reach nothing else of the host). */
export const REGISTRY_PORT = 5000;

/** Why the local cloud cannot serve images, or undefined when it can (the registry and images are built). */
export function registryUnavailable(cache: string): string | undefined {
  if (!existsSync(registryBinary(cache)))
    return `no registry binary at ${registryBinary(cache)} (scripts/setup builds it)`;
  if (builtArchives(cache).length === 0)
    return `no built images under ${cache} (onekube images build, or scripts/setup)`;
  return undefined;
}

export interface CloudRegistry {
  /** `host:port`, for ONEAPP_K8S_REGISTRY_MIRROR (plain HTTP). */
  readonly mirror: string;
  readonly registry: RunningRegistry;
}

/**
 * Starts the registry on `gateway` and pushes every built image into it, each under its full
 * upstream name. A push that fails stops the registry and says which image and why.
 */
export async function startCloudRegistry(o: {
  cache: string;
  dir: string;
  gateway: string;
  log: (line: string) => void;
}): Promise<CloudRegistry> {
  const mirror = `${o.gateway}:${REGISTRY_PORT}`;
  const registry = await startRegistry({ binary: registryBinary(o.cache), dir: o.dir, listen: mirror });
  const bundle = join(o.dir, "images.tar");
  try {
    const started = Date.now();
    const archives = builtArchives(o.cache);
    await saveBundle(archives, bundle);
    const pushed = await pushBundle(bundle, { target: { host: mirror, scheme: "http" }, workDir: o.dir });
    const failed = pushed.filter((p) => p.status !== "pushed");
    if (failed.length > 0)
      throw new Error(
        `loading the local registry http://${mirror} failed:\n${failed.map((f) => `  ${f.reference}: ${f.error ?? f.status}`).join("\n")}`,
      );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    o.log(`[registry] http://${mirror} serves ${pushed.length} images (loaded in ${seconds} s)`);
    return { mirror, registry };
  } catch (error) {
    await registry.stop();
    throw error;
  } finally {
    rmSync(bundle, { force: true });
  }
}
