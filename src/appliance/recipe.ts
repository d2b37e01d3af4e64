/**
 * What the appliance image is made of: one Debian release, the packages every role needs, and
 * the kernel modules a node loads. Pure data; `build/` turns it into a disk.
 *
 * Debian 13 "trixie": the stable release, supported until 2028 (LTS 2030), whose archive carries
 * Node.js 20 (onekube's runtime) and systemd 257 with networkd, so nothing comes from outside
 * Debian but onekube's own build cache. Debian 12's archive has Node.js 18, too old for onekube.
 */

export const DEBIAN = {
  release: "13",
  codename: "trixie",
  /** Any mirror of Debian's archive serves (`--mirror`). */
  mirror: "http://deb.debian.org/debian",
} as const;

/** Debian packages, by the reason they are in the image. */
export const PACKAGE_GROUPS = {
  /** Boot and the VM itself: kernel, init, a BIOS bootloader, the root file system's tools. */
  system: [
    "linux-image-amd64",
    "initramfs-tools",
    "grub-pc-bin",
    "systemd",
    "systemd-sysv",
    "systemd-timesyncd",
    "udev",
    "dbus",
    "kmod",
    "util-linux",
    "e2fsprogs",
    "fdisk",
    "cloud-guest-utils",
    "qemu-guest-agent",
    "ca-certificates",
    "iproute2",
    "iputils-ping",
    "procps",
    "less",
    "curl",
  ],
  /** The operator's way in (the reference's Quick Start). */
  ssh: ["openssh-server"],
  /** onekube itself. */
  onekube: ["nodejs"],
  /** The vnf role: VRRP, the endpoint's load balancer (HAProxy or LVS), DNS, NAT and routing. */
  vnf: ["keepalived", "haproxy", "ipvsadm", "unbound", "nftables"],
  /** What kubeadm's preflight and kube-proxy call on a node; the pod network's plugins. */
  kubernetes: ["iptables", "conntrack", "socat", "ethtool", "containernetworking-plugins", "iputils-arping"],
  /** The storage role's disk, and what Longhorn needs on every node (iSCSI, NFS for RWX volumes). */
  storage: ["xfsprogs", "open-iscsi", "nfs-common"],
} as const;

export const PACKAGES: readonly string[] = Object.values(PACKAGE_GROUPS).flat();

/**
 * Services whose packages enable them but that the agent runs itself, with the configuration
 * it renders (a stock keepalived or HAProxy would start with none, or with Debian's sample).
 */
export const DISABLED_UNITS = ["keepalived.service", "haproxy.service", "unbound.service", "ipvsadm.service"];

/** Loaded at every boot: what Kubernetes, Canal, LVS and Longhorn need from the kernel. */
export const BOOT_MODULES = [
  "overlay",
  "br_netfilter",
  "vxlan",
  "nf_tables",
  "nf_conntrack",
  "ip_vs",
  "ip_vs_rr",
  "ip_vs_wrr",
  "ip_vs_sh",
  "iscsi_tcp",
] as const;

/**
 * Modules the build insists the kernel has (besides BOOT_MODULES): the context CD on an IDE or
 * SATA CD-ROM (OpenNebula's KVM default, appliance-image.md §1.1) and virtio devices.
 */
export const REQUIRED_MODULES = [
  ...BOOT_MODULES,
  "isofs",
  "sr_mod",
  "ata_piix",
  "ahci",
  "virtio_net",
  "virtio_blk",
  "virtio_scsi",
] as const;

/** Paths inside the image. */
export const IMAGE_PATHS = {
  app: "/usr/lib/onekube",
  bin: "/usr/bin/onekube",
  binaries: "/usr/local/bin",
  images: "/usr/share/onekube/images",
  addons: "/usr/share/onekube/addons",
  manifest: "/usr/share/onekube/manifest.json",
  defaults: "/etc/default/onekube",
} as const;

/**
 * The disk: an MBR with one bootable Linux partition from 1 MiB (GRUB's core image sits in the
 * gap before it, as grub-install puts it) to the end, holding an ext4 root. The virtual size
 * leaves room for the images to be unpacked on first boot; OpenNebula grows the disk to the VM
 * template's SIZE and contextualization grows the partition and file system to match.
 */
export const DISK = {
  partitionStartSector: 2048,
  sectorBytes: 512,
  /** Free space above the contents, in GiB, rounded up to whole GiB. */
  headroomGiB: 2,
  /**
   * The least virtual size: a node's containerd store, pod logs and etcd need room (kubelet
   * collects images at 85% and evicts below 10% free; OneKE's disk is 25 GiB). The qcow2 is
   * sparse, so the unused space costs nothing to download, and a marketplace import (which
   * carries no disk SIZE) gets the same disk as the VM templates' SIZE.
   */
  minVirtualGiB: 20,
  fsLabel: "onekube-root",
} as const;

/**
 * Every file's time in the image, so that the same inputs make the same bytes (reproducible
 * builds' SOURCE_DATE_EPOCH). Bumped with the recipe, not per build.
 */
export const APPLIANCE_EPOCH = Date.UTC(2026, 11, 1) / 1000;

/** Kernel command line: NICs named eth0... in PCI order, as OpenNebula's images do (§4.2). */
export const KERNEL_ARGS = ["ro", "net.ifnames=0", "biosdevname=0", "console=tty0", "console=ttyS0,115200"];
