/**
 * The files the appliance image carries besides its packages and onekube: the agent's platform
 * variables, boot-time kernel modules and sysctls, SSH hardening, the root file system's fstab
 * line and GRUB's menu. Pure: the build writes them into the staged root.
 */
import { PLATFORM_ENV, type PodNetwork } from "../node/platform.js";
import type { RenderedFile } from "../render/files.js";
import { BOOT_MODULES, IMAGE_PATHS, KERNEL_ARGS } from "./recipe.js";

export interface ImageFacts {
  readonly version: string;
  /** The root file system's UUID (fstab and the kernel's root=). */
  readonly rootUuid: string;
  /** Paths of the kernel and initrd inside the image, e.g. /boot/vmlinuz-6.12.0-amd64. */
  readonly kernel: string;
  readonly initrd: string;
  /**
   * `canal` where the image holds Calico's images; `flannel` (Canal's flannel alone) where
   * onekube cannot build them, so that a service deploys with no registry (README: the local cloud).
   */
  readonly podNetwork: PodNetwork;
}

const lines = (...l: readonly string[]) => `${l.join("\n")}\n`;

/** Read by onekube-agent.service: the platform variables of src/node/platform.ts. */
function platformDefaults(f: ImageFacts): string {
  return lines(
    "# The onekube appliance's platform (src/node/platform.ts). Written by `onekube appliance build`.",
    `${PLATFORM_ENV.imageArchives}=${IMAGE_PATHS.images}`,
    `${PLATFORM_ENV.addonsDir}=${IMAGE_PATHS.addons}`,
    `${PLATFORM_ENV.podNetwork}=${f.podNetwork}`,
  );
}

function sysctls(): string {
  return lines(
    "# Kubernetes nodes forward and filter bridged pod traffic; many pods watch many files.",
    "net.ipv4.ip_forward = 1",
    "net.bridge.bridge-nf-call-iptables = 1",
    "net.bridge.bridge-nf-call-ip6tables = 1",
    "fs.inotify.max_user_instances = 8192",
    "fs.inotify.max_user_watches = 524288",
  );
}

function sshd(): string {
  return lines(
    "# Keys only (SSH_PUBLIC_KEY from the context), as OpenNebula's images are set up.",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    "UseDNS no",
  );
}

function grubConfig(f: ImageFacts): string {
  return lines(
    "# Written by `onekube appliance build`; the root is found by its UUID, whatever the disk's name.",
    "set timeout=1",
    "serial --unit=0 --speed=115200",
    "terminal_input serial console",
    "terminal_output serial console",
    `search --no-floppy --fs-uuid --set=root ${f.rootUuid}`,
    `menuentry 'onekube ${f.version}' {`,
    `  linux ${f.kernel} root=UUID=${f.rootUuid} ${KERNEL_ARGS.join(" ")}`,
    `  initrd ${f.initrd}`,
    "}",
  );
}

/** GRUB's own first config, built into its core image: where to find the rest of GRUB. */
export function grubEarlyConfig(rootUuid: string): string {
  return lines(`search.fs_uuid ${rootUuid} root`, "set prefix=($root)/boot/grub");
}

export function renderImageFiles(f: ImageFacts): RenderedFile[] {
  return [
    { path: IMAGE_PATHS.defaults.slice(1), content: platformDefaults(f) },
    {
      path: "etc/modules-load.d/onekube.conf",
      content: lines("# Kubernetes, Canal (VXLAN), LVS and Longhorn (iSCSI)", ...BOOT_MODULES),
    },
    { path: "etc/sysctl.d/60-onekube.conf", content: sysctls() },
    { path: "etc/ssh/sshd_config.d/60-onekube.conf", content: sshd() },
    { path: "etc/fstab", content: lines(`UUID=${f.rootUuid} / ext4 errors=remount-ro 0 1`) },
    {
      path: "etc/hosts",
      content: lines("127.0.0.1 localhost", "::1 localhost ip6-localhost ip6-loopback"),
    },
    { path: "boot/grub/grub.cfg", content: grubConfig(f) },
    {
      path: IMAGE_PATHS.bin.slice(1),
      content: lines("#!/bin/sh", `exec /usr/bin/node ${IMAGE_PATHS.app}/bin/onekube.js "$@"`),
      mode: 0o755,
    },
    {
      path: "etc/motd",
      content: lines(
        "",
        `onekube ${f.version} appliance. This VM's role: journalctl -u onekube-agent`,
        "Contextualization: journalctl -u onekube-contextualize",
        "",
      ),
    },
  ];
}
