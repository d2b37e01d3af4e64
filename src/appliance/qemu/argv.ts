/**
 * How QEMU boots the appliance as OpenNebula's KVM driver does by default: an i440fx machine
 * (`pc`), the OS disk on virtio, the context CD on IDE (the last CD-ROM, /dev/sr0 in the
 * guest), one virtio NIC per context NIC with the context's MAC, on a tap. Hardware KVM where
 * the host has it, QEMU's TCG emulator otherwise (proving-ground.md: this host's /dev/kvm is a
 * software kind that cannot run a stock kernel).
 */
import { accessSync, constants, readFileSync } from "node:fs";

export type Accel = "kvm" | "tcg";

/** KVM only with a real /dev/kvm and the CPU's virtualization flag (vmx or svm). */
export function hostAccel(cpuinfo = safeRead("/proc/cpuinfo")): Accel {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch {
    return "tcg";
  }
  return /^flags\s*:.*\b(vmx|svm)\b/m.test(cpuinfo) ? "kvm" : "tcg";
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export interface QemuVm {
  readonly disk: string;
  readonly cdrom?: string;
  readonly nics: readonly { readonly tap: string; readonly mac: string }[];
  readonly memoryMb: number;
  readonly cpus: number;
  /** The guest's serial console (ttyS0) goes to this file. */
  readonly serialLog: string;
  readonly accel: Accel;
  /** Extra disks (the storage role's), raw or qcow2 files. */
  readonly extraDisks?: readonly string[];
}

export function qemuArgv(vm: QemuVm): string[] {
  return [
    "qemu-system-x86_64",
    "-machine",
    "pc",
    ...(vm.accel === "kvm"
      ? ["-accel", "kvm", "-cpu", "host"]
      : ["-accel", "tcg,thread=multi", "-cpu", "max"]),
    "-m",
    String(vm.memoryMb),
    "-smp",
    String(vm.cpus),
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    `file:${vm.serialLog}`,
    "-drive",
    `file=${vm.disk},if=virtio,format=qcow2`,
    ...(vm.extraDisks ?? []).flatMap((d) => [
      "-drive",
      `file=${d},if=virtio,format=${d.endsWith(".qcow2") ? "qcow2" : "raw"}`,
    ]),
    ...(vm.cdrom ? ["-cdrom", vm.cdrom] : []),
    ...vm.nics.flatMap((n, i) => [
      "-netdev",
      `tap,id=n${i},ifname=${n.tap},script=no,downscript=no`,
      "-device",
      `virtio-net-pci,netdev=n${i},mac=${n.mac}`,
    ]),
  ];
}
