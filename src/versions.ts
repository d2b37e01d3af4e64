import { readFileSync } from "node:fs";

/** onekube's own version, from its package.json (dist/src/versions.js is two levels below it). */
export const ONEKUBE_VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/**
 * The component versions onekube pins. The reference's 2022 versions are end-of-life; these
 * are current releases that run on the proving ground (see shared/reference/proving-ground.md).
 */
export const VERSIONS = {
  kubernetes: "v1.36.3",
  etcd: "3.6.8",
  coredns: "v1.14.2",
  pause: "3.10.2",
  containerd: "v2.2.9",
  runc: "v1.5.2",
  /** The OCI registry (distribution/distribution) the local cloud serves built images from. */
  distribution: "v3.1.2",
  canal: "v3.32.1",
  longhorn: "v1.12.1",
  metallb: "v0.16.1",
  /**
   * flanneld for Canal's VXLAN data path. Canal v3.32.1 pins flannel v0.24.4, whose source the
   * Go module proxy does not serve; v0.28.10 is the newest it serves (the image reference in the
   * add-on objects is patched to it: src/images/addon-images.ts).
   */
  flannel: "v0.28.10",
} as const;

/** Upstream release manifests the master applies, with the SHA-256 production checks on download. */
export const ADDON_MANIFESTS = {
  canal: {
    file: "canal-v3.32.1.yaml",
    url: "https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/canal.yaml",
    sha256: "aa58a7b245586a90d75d969b9184326f6218acea7e4951ce2931113cd8e91e39",
  },
  longhorn: {
    file: "longhorn-v1.12.1.yaml",
    url: "https://raw.githubusercontent.com/longhorn/longhorn/v1.12.1/deploy/longhorn.yaml",
    sha256: "41648963af867ac1d0c85755fb53cf61cacd57c9bb22e1942e3fb0439eeb04fd",
  },
  metallb: {
    file: "metallb-v0.16.1-native.yaml",
    url: "https://raw.githubusercontent.com/metallb/metallb/v0.16.1/config/manifests/metallb-native.yaml",
    sha256: "bf25feebb7582ca7df845efd52ffbc2960d6cbf4cfc972f47fded9f788b67f0b",
  },
} as const;
