import type { Role } from "../params/types.js";

export interface RoleSpec {
  readonly cardinality: number;
  readonly minVms: number;
  readonly maxVms: number;
  /** Roles that must be RUNNING before this one deploys (OneFlow `straight` deployment). */
  readonly parents: readonly Role[];
  /** The reference's minimum size of a VM of this role. */
  readonly memoryMb: number;
  readonly vcpu: number;
  /** A dedicated, unformatted disk for Longhorn (storage only). */
  readonly extraDiskMb?: number;
  /**
   * The OS disk's size when it must exceed the image's: OpenNebula resizes the disk and the VM
   * grows its root file system into it at boot (Kubernetes nodes only, see `NODE_ROOT_MB`).
   */
  readonly osDiskMb?: number;
  readonly description: string;
}

/**
 * The root of a Kubernetes node holds containerd's store (the images imported from the appliance
 * image, unpacked beside their compressed blobs, plus Longhorn's and anything workloads pull),
 * kubelet's pod logs and emptyDirs, and on masters etcd (2 GiB quota, plus WAL and snapshots).
 * kubelet garbage-collects images above 85% use and evicts pods below 10% free, so 20 GiB leaves
 * ~17 GiB before image GC: room for the add-ons and ordinary workloads (OneKE ships 25 GiB).
 */
const NODE_ROOT_MB = 20 * 1024;

/**
 * The four roles as the reference deploys them: 2 vnf, 3 master, 2 worker, 3 storage; masters
 * after the VNFs, workers and storage after every master (the 1.23 templates' parents).
 * Minimums follow the 1.23 template (HA pair, etcd quorum, three Longhorn replicas).
 */
export const ROLE_SPECS: { readonly [R in Role]: RoleSpec } = {
  vnf: {
    cardinality: 2,
    minVms: 2,
    maxVms: 4,
    parents: [],
    memoryMb: 512,
    vcpu: 1,
    description: "keepalived VRRP pair holding the control-plane endpoint, load-balancing it to the masters",
  },
  master: {
    cardinality: 3,
    minVms: 3,
    maxVms: 9,
    parents: ["vnf"],
    memoryMb: 3072,
    vcpu: 2,
    osDiskMb: NODE_ROOT_MB,
    description: "kubeadm control plane with stacked etcd",
  },
  worker: {
    cardinality: 2,
    minVms: 1,
    maxVms: 100,
    parents: ["master"],
    memoryMb: 3072,
    vcpu: 2,
    osDiskMb: NODE_ROOT_MB,
    description: "nodes that run the workloads",
  },
  storage: {
    cardinality: 3,
    minVms: 3,
    maxVms: 50,
    parents: ["master"],
    memoryMb: 3072,
    vcpu: 2,
    osDiskMb: NODE_ROOT_MB,
    extraDiskMb: 61440,
    description: "tainted nodes holding Longhorn replicas on a dedicated disk",
  },
};
