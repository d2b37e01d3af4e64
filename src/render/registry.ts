import { stringify as toToml } from "smol-toml";
import { stringify as toYaml } from "yaml";
import { REGISTRY_HOSTS_DIR } from "./containerd.js";
import type { RenderedFile } from "./files.js";

/** The upstream registries every node's containerd is pointed away from. */
export const MIRRORED_REGISTRIES = ["registry.k8s.io", "docker.io", "quay.io", "ghcr.io"] as const;
export type MirroredRegistry = (typeof MIRRORED_REGISTRIES)[number];

export interface RegistryConfigOptions {
  /** Where the registry keeps blobs and manifests. */
  readonly rootDirectory: string;
  /** `host:port` to listen on, e.g. the service bridge's gateway `10.0.0.1:5000`. */
  readonly listen: string;
  readonly logLevel?: "error" | "warn" | "info" | "debug";
}

/**
 * config.yml of distribution's registry: filesystem storage, plain HTTP, no auth (the local
 * cloud's service network is private to the host). Deletes stay disabled: nothing here removes
 * images, and a registry that cannot delete cannot lose a blob a node still needs.
 */
export function renderRegistryConfig(o: RegistryConfigOptions): RenderedFile {
  const config = {
    version: 0.1,
    log: { level: o.logLevel ?? "info", fields: { service: "registry" } },
    storage: {
      filesystem: { rootdirectory: o.rootDirectory },
      // Upload purging runs on a timer and would delete a slow push's half-uploaded blobs.
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: o.listen, headers: { "X-Content-Type-Options": ["nosniff"] } },
  };
  return { path: "registry/config.yml", content: toYaml(config, { lineWidth: 0 }), mode: 0o644 };
}

/**
 * The repository an image lives in on a onekube mirror: its full upstream name, host included
 * (`registry.k8s.io/pause`, `docker.io/flannel/flannel`). Keeping the host means images of the
 * same path on two upstream registries never alias each other in one mirror.
 */
export function mirrorRepository(reference: string): { repository: string; tag: string } {
  const colon = reference.lastIndexOf(":");
  const slash = reference.indexOf("/");
  if (reference.includes("@") || slash < 0 || colon < reference.lastIndexOf("/"))
    throw new Error(`${reference}: expected a tagged reference host/path:tag`);
  return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
}

export interface MirrorOptions {
  /** `host[:port]` of the registry that holds the images (ONEAPP_K8S_REGISTRY_MIRROR). */
  readonly mirror: string;
  /** Plain HTTP (the local cloud's registry) or HTTPS (an operator's registry). */
  readonly scheme: "http" | "https";
}

/**
 * containerd's hosts.toml for each upstream registry, under REGISTRY_HOSTS_DIR (paths relative
 * to /etc, like containerd/config.toml). containerd tries every `[host]` in order and then
 * `server`; left unset, `server` means the upstream itself (core/remotes/docker/config/hosts.go),
 * so `server` names the mirror too: a pull the mirror cannot answer fails instead of reaching
 * out. The mirror serves `<upstream>/<path>` (mirrorRepository), so the endpoint carries the
 * upstream's name after `/v2` and `override_path` stops containerd appending another `/v2`.
 */
/** Where an upstream registry's hosts.toml goes, relative to /etc like the other node files. */
export const mirrorHostsPath = (upstream: MirroredRegistry) =>
  `${REGISTRY_HOSTS_DIR.replace(/^\/etc\//, "")}/${upstream}/hosts.toml`;

export function renderMirrorHosts(o: MirrorOptions): RenderedFile[] {
  return MIRRORED_REGISTRIES.map((upstream) => {
    const endpoint = `${o.scheme}://${o.mirror}/v2/${upstream}`;
    const access = { capabilities: ["pull", "resolve"], override_path: true };
    const config = { server: endpoint, ...access, host: { [endpoint]: access } };
    return { path: mirrorHostsPath(upstream), content: `${toToml(config)}\n`, mode: 0o644 };
  });
}
