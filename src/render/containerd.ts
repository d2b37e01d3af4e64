import { stringify } from "smol-toml";
import type { RenderedFile } from "./files.js";

/** Where kubeadm and kubelet find the node's container runtime. */
export const CONTAINERD_SOCKET = "/run/containerd/containerd.sock";
/** containerd's registry host configuration (hosts.toml per registry). */
export const REGISTRY_HOSTS_DIR = "/etc/containerd/certs.d";

export interface ContainerdOptions {
  /** The CRI sandbox ("pause") image, the one kubeadm lists for its release. */
  readonly sandboxImage: string;
  /** runc to use; the runtime's default on PATH when absent. */
  readonly runcPath?: string;
  /** Where the sandbox cannot lower oom_score_adj (no CAP_SYS_RESOURCE), containers must not try. */
  readonly restrictOomScoreAdj: boolean;
  /** `SystemdCgroup` for runc: true when kubelet uses the systemd cgroup driver. */
  readonly systemdCgroup: boolean;
  readonly cniBinDirs: readonly string[];
}

/**
 * containerd 2.x configuration (version 3) for one node. Paths are containerd's defaults: in the
 * local cloud each VM sees its own copy of them. NRI is off because its socket path lies outside
 * the paths a local VM owns, and nothing here uses it.
 */
export function renderContainerdConfig(o: ContainerdOptions): RenderedFile {
  const runtime = "io.containerd.cri.v1.runtime";
  const config = {
    version: 3,
    root: "/var/lib/containerd",
    state: "/run/containerd",
    grpc: { address: CONTAINERD_SOCKET },
    plugins: {
      "io.containerd.cri.v1.images": {
        pinned_images: { sandbox: o.sandboxImage },
        registry: { config_path: REGISTRY_HOSTS_DIR },
      },
      [runtime]: {
        restrict_oom_score_adj: o.restrictOomScoreAdj,
        cni: { bin_dirs: [...o.cniBinDirs], conf_dir: "/etc/cni/net.d" },
        containerd: {
          default_runtime_name: "runc",
          runtimes: {
            runc: {
              runtime_type: "io.containerd.runc.v2",
              options: {
                SystemdCgroup: o.systemdCgroup,
                ...(o.runcPath ? { BinaryName: o.runcPath } : {}),
              },
            },
          },
        },
      },
      "io.containerd.nri.v1.nri": { disable: true },
    },
  };
  return { path: "containerd/config.toml", content: `${stringify(config)}\n`, mode: 0o644 };
}
