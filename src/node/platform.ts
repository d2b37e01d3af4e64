/**
 * What the machine under a node tells the agent about itself. A real OpenNebula VM needs
 * nothing here (systemd, cgroup v2, a registry); the local cloud's "VM image" sets these
 * variables because its VMs share one kernel and one cgroup tree (proving-ground.md).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * `canal`: Canal as released. `bridge`: the standard CNI plugins with a static route per node.
 * `flannel`: the same bridge per node, its traffic between nodes carried by Canal's flannel (VXLAN)
 * with Calico left out, where Calico's images cannot be had.
 */
export type PodNetwork = "canal" | "bridge" | "flannel";

export interface NodePlatform {
  /** `none`: a VM image without Kubernetes (tests of the vnf role alone). */
  readonly kubernetes: boolean;
  /** kubelet's cgroupRoot, one per VM where VMs share a cgroup tree. */
  readonly cgroupRoot?: string;
  /** A directory of OCI archives to import instead of pulling (no registry reachable). */
  readonly imageArchives?: string;
  readonly podNetwork: PodNetwork;
  /** Where the pinned add-on manifests are, instead of downloading them. */
  readonly addonsDir?: string;
  /** Seconds between the control plane's housekeeping rounds (join material, routes). */
  readonly loopSeconds: number;
}

export const PLATFORM_ENV = {
  runtime: "ONEKUBE_NODE_RUNTIME",
  cgroupRoot: "ONEKUBE_CGROUP_ROOT",
  imageArchives: "ONEKUBE_IMAGE_ARCHIVES",
  podNetwork: "ONEKUBE_POD_NETWORK",
  addonsDir: "ONEKUBE_ADDONS_DIR",
  loopSeconds: "ONEKUBE_LOOP_SECONDS",
} as const;

export function nodePlatform(env: Readonly<Record<string, string | undefined>>): NodePlatform {
  const podNetwork = env[PLATFORM_ENV.podNetwork] ?? "canal";
  if (podNetwork !== "canal" && podNetwork !== "bridge" && podNetwork !== "flannel")
    throw new Error(
      `${PLATFORM_ENV.podNetwork}=${JSON.stringify(podNetwork)}: expected canal, bridge or flannel`,
    );
  const loop = Number(env[PLATFORM_ENV.loopSeconds] ?? "10");
  if (!Number.isFinite(loop) || loop <= 0)
    throw new Error(
      `${PLATFORM_ENV.loopSeconds}=${JSON.stringify(env[PLATFORM_ENV.loopSeconds])}: expected seconds > 0`,
    );
  const optional = (key: string, value: string | undefined) => (value ? { [key]: value } : {});
  return {
    kubernetes: env[PLATFORM_ENV.runtime] !== "none",
    podNetwork,
    loopSeconds: loop,
    ...optional("cgroupRoot", env[PLATFORM_ENV.cgroupRoot]),
    ...optional("imageArchives", env[PLATFORM_ENV.imageArchives]),
    ...optional("addonsDir", env[PLATFORM_ENV.addonsDir]),
  };
}

/** Facts the kernel and init tell, probed where the node runs. */
export interface HostFacts {
  readonly cgroupV1: boolean;
  readonly systemd: boolean;
  /** false inside a network namespace: kube-proxy must then leave nf_conntrack_max alone. */
  readonly conntrackWritable: boolean;
  /** false without CAP_SYS_RESOURCE: containerd must then not give containers a negative oom_score_adj. */
  readonly canLowerOomScore: boolean;
}

function canLowerOomScore(): boolean {
  const file = "/proc/self/oom_score_adj";
  try {
    const before = readFileSync(file, "utf8").trim();
    writeFileSync(file, String(Number(before) - 1));
    writeFileSync(file, before); // raising it back needs no privilege
    return true;
  } catch {
    return false;
  }
}

export function probeHost(): HostFacts {
  const comm = existsSync("/proc/1/comm") ? readFileSync("/proc/1/comm", "utf8").trim() : "";
  let conntrackWritable = false;
  try {
    const f = "/proc/sys/net/netfilter/nf_conntrack_max";
    const value = readFileSync(f, "utf8");
    // Writing the same value back changes nothing and tells whether the file is writable here.
    writeFileSync(f, value);
    conntrackWritable = true;
  } catch {
    conntrackWritable = false;
  }
  return {
    cgroupV1: !existsSync("/sys/fs/cgroup/cgroup.controllers"),
    systemd: comm === "systemd",
    conntrackWritable,
    canLowerOomScore: canLowerOomScore(),
  };
}
