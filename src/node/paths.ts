/** Where the agent keeps a node's own files (kubeadm configs, patches, logs, pid files). */
export const NODE_STATE = "/var/lib/onekube/node";
export const NODE_RUN = "/run/onekube";
export const NODE_LOGS = "/var/lib/onekube/logs";
export const PATCHES_DIR = `${NODE_STATE}/kubeadm-patches`;
export const KUBEADM_DIR = `${NODE_STATE}/kubeadm`;
/** The join material this master minted, kept so that a re-run publishes the same. */
export const JOIN_FILE = `${NODE_STATE}/join.json`;
export const CONTAINERD_CONFIG = "/etc/containerd/config.toml";
export const ADMIN_CONF = "/etc/kubernetes/admin.conf";
export const KUBELET_CONF = "/etc/kubernetes/kubelet.conf";
export const KUBELET_CONFIG = "/var/lib/kubelet/config.yaml";
export const KUBELET_FLAGS = "/var/lib/kubelet/kubeadm-flags.env";
/** kubelet's client certificate, there once its TLS bootstrap is done (kubelet.conf names it before). */
export const KUBELET_CLIENT_CERT = "/var/lib/kubelet/pki/kubelet-client-current.pem";
export const CA_CERT = "/etc/kubernetes/pki/ca.crt";
export const APISERVER_MANIFEST = "/etc/kubernetes/manifests/kube-apiserver.yaml";
export const CNI_CONF_DIR = "/etc/cni/net.d";
/** onekube's own CNI plugins (onekube-neigh): a wrapper the agent writes, running this onekube. */
export const ONEKUBE_CNI_BIN = "/var/lib/onekube/cni/bin";
export const CNI_BIN_DIRS = ["/usr/lib/cni", "/opt/cni/bin", ONEKUBE_CNI_BIN] as const;
