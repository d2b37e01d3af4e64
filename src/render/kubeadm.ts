import { cidrToString } from "../params/ipv4.js";
import type { Endpoint, Ipv4Cidr } from "../params/types.js";
import type { RenderedFile } from "./files.js";
import { toYamlStream } from "./yaml.js";

const API_VERSION = "kubeadm.k8s.io/v1beta4";

/** Longhorn places default disks on, and only tolerates, nodes carrying this key. */
export const STORAGE_NODE_KEY = "node.longhorn.io/create-default-disk";

export interface KubeadmCluster {
  readonly kubernetesVersion: string;
  readonly endpoint: Endpoint;
  readonly apiPort: number;
  readonly podsNetwork: Ipv4Cidr;
  readonly serviceNetwork: Ipv4Cidr;
  readonly clusterName?: string;
  /** Where kubeadm pulls control-plane images from; kubeadm's default when absent. */
  readonly imageRepository?: string;
  /** Kubelet cgroup driver: `systemd` on real VMs, `cgroupfs` where no systemd runs. */
  readonly cgroupDriver?: "systemd" | "cgroupfs";
  /** false inside a network namespace, where nf_conntrack_max is read-only to kube-proxy. */
  readonly conntrackWritable?: boolean;
}

export interface KubeadmNode {
  readonly name: string;
  readonly address: string;
  readonly criSocket: string;
  /** A directory of kubeadm patches (per-node kubelet settings), if any. */
  readonly patchesDir?: string;
}

export interface JoinMaterial {
  /** Bootstrap token `[a-z0-9]{6}.[a-z0-9]{16}`. */
  readonly token: string;
  /** SHA-256 of the cluster CA's public key, 64 hex digits, no prefix (as published on OneGate). */
  readonly caCertHash: string;
  /** Key of the uploaded control-plane certificates; control-plane joins only. */
  readonly certificateKey?: string;
}

export type JoinKind = "control-plane" | "worker" | "storage";

function nodeRegistration(node: KubeadmNode, kind: JoinKind | "init") {
  const storage = kind === "storage";
  return {
    name: node.name,
    criSocket: node.criSocket,
    kubeletExtraArgs: [
      { name: "node-ip", value: node.address },
      ...(storage ? [{ name: "node-labels", value: `${STORAGE_NODE_KEY}=true` }] : []),
    ],
    // Control-plane nodes keep kubeadm's default taint; storage nodes hold Longhorn replicas only.
    ...(storage ? { taints: [{ key: STORAGE_NODE_KEY, value: "true", effect: "NoSchedule" }] } : {}),
  };
}

function clusterConfiguration(c: KubeadmCluster) {
  return {
    apiVersion: API_VERSION,
    kind: "ClusterConfiguration",
    clusterName: c.clusterName ?? "onekube",
    kubernetesVersion: c.kubernetesVersion,
    controlPlaneEndpoint: `${c.endpoint.address}:${c.endpoint.port}`,
    ...(c.imageRepository ? { imageRepository: c.imageRepository } : {}),
    networking: {
      podSubnet: cidrToString(c.podsNetwork),
      serviceSubnet: cidrToString(c.serviceNetwork),
      dnsDomain: "cluster.local",
    },
    apiServer: { certSANs: [c.endpoint.address, "localhost", "127.0.0.1"] },
    etcd: { local: { dataDir: "/var/lib/etcd" } },
  };
}

function kubeletConfiguration(c: KubeadmCluster) {
  return {
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    cgroupDriver: c.cgroupDriver ?? "systemd",
  };
}

/** kube-proxy in nftables mode (iptables is legacy upstream); conntrack left alone where it must be. */
function kubeProxyConfiguration(c: KubeadmCluster) {
  return {
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    mode: "nftables",
    ...(c.conntrackWritable === false ? { conntrack: { maxPerCore: 0 } } : {}),
  };
}

/** Per-node kubelet settings the cluster-wide KubeletConfiguration cannot carry. */
export interface KubeletNodeSettings {
  /** Where VMs share a cgroup tree: this node's own root. */
  readonly cgroupRoot?: string;
  readonly cgroupDriver: "systemd" | "cgroupfs";
  /** kubelet 1.36 refuses cgroup v1 unless told otherwise. */
  readonly cgroupV1: boolean;
}

/**
 * kubeadm stores the KubeletConfiguration given to `init` in the cluster and reuses it on every
 * join, so what differs per node comes in as a kubeadm patch, applied on that node only.
 */
export function renderKubeletPatch(s: KubeletNodeSettings): RenderedFile {
  const patch = {
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    cgroupDriver: s.cgroupDriver,
    ...(s.cgroupRoot ? { cgroupRoot: s.cgroupRoot } : {}),
    ...(s.cgroupV1 ? { failCgroupV1: false } : {}),
  };
  return { path: "kubeletconfiguration+strategic.yaml", content: toYamlStream([patch]), mode: 0o644 };
}

/** The first master's `kubeadm init --config` file. */
export function renderKubeadmInit(
  cluster: KubeadmCluster,
  node: KubeadmNode,
  material: { readonly token: string; readonly certificateKey: string },
): RenderedFile {
  const init = {
    apiVersion: API_VERSION,
    kind: "InitConfiguration",
    bootstrapTokens: [
      {
        token: material.token,
        ttl: "24h0m0s",
        groups: ["system:bootstrappers:kubeadm:default-node-token"],
        usages: ["signing", "authentication"],
      },
    ],
    certificateKey: material.certificateKey,
    localAPIEndpoint: { advertiseAddress: node.address, bindPort: cluster.apiPort },
    nodeRegistration: nodeRegistration(node, "init"),
    ...(node.patchesDir ? { patches: { directory: node.patchesDir } } : {}),
  };
  return {
    path: "kubeadm/init.yaml",
    content: toYamlStream([
      init,
      clusterConfiguration(cluster),
      kubeletConfiguration(cluster),
      kubeProxyConfiguration(cluster),
    ]),
    mode: 0o600,
  };
}

/** A `kubeadm join --config` file for a control-plane, worker or storage node. */
export function renderKubeadmJoin(
  cluster: KubeadmCluster,
  node: KubeadmNode,
  material: JoinMaterial,
  kind: JoinKind,
): RenderedFile {
  if (kind === "control-plane" && !material.certificateKey) {
    throw new Error("a control-plane join needs the certificate key");
  }
  const join = {
    apiVersion: API_VERSION,
    kind: "JoinConfiguration",
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: `${cluster.endpoint.address}:${cluster.endpoint.port}`,
        token: material.token,
        caCertHashes: [`sha256:${material.caCertHash}`],
      },
    },
    nodeRegistration: nodeRegistration(node, kind),
    // Material that stopped working (an expired token) must fail the join soon, so the node can
    // retry with fresh material, rather than in kubeadm's default 5 minutes.
    timeouts: { discovery: "1m30s" },
    ...(kind === "control-plane"
      ? {
          controlPlane: {
            localAPIEndpoint: { advertiseAddress: node.address, bindPort: cluster.apiPort },
            certificateKey: material.certificateKey,
          },
        }
      : {}),
    ...(node.patchesDir ? { patches: { directory: node.patchesDir } } : {}),
  };
  return { path: `kubeadm/join-${kind}.yaml`, content: toYamlStream([join]), mode: 0o600 };
}
