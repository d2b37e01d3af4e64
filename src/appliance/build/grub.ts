/**
 * GRUB for a BIOS (SeaBIOS, OpenNebula's KVM default) boot, installed without grub-install,
 * which needs a block device and partition nodes this machine's loop devices do not give:
 * the image's own grub-mkimage makes the core image (finding the root by UUID), the image's
 * boot.img goes in the MBR and the core image in the gap before the first partition, exactly
 * where grub-install puts them (boot.img's default kernel sector is 1, core's next sector 2).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Exec } from "../../host/exec.js";
import { grubEarlyConfig } from "../image-files.js";

const GRUB_DIR = "usr/lib/grub/i386-pc";
/** The modules the core image needs to read its own disk; the rest load from /boot/grub. */
const CORE_MODULES = ["biosdisk", "part_msdos", "ext2", "search_fs_uuid"];

export interface GrubImages {
  /** The first 440 bytes go to the MBR (the partition table after them is kept). */
  readonly boot: Buffer;
  /** Written from sector 1. */
  readonly core: Buffer;
}

export async function prepareGrub(exec: Exec, stage: string, rootUuid: string): Promise<GrubImages> {
  const modules = join(stage, "boot", "grub", "i386-pc");
  mkdirSync(modules, { recursive: true });
  for (const f of readdirSync(join(stage, GRUB_DIR)))
    if (/\.(mod|lst)$/.test(f)) copyFileSync(join(stage, GRUB_DIR, f), join(modules, f));
  const early = join(stage, "tmp", "onekube-grub-early.cfg");
  const core = join(stage, "tmp", "onekube-grub-core.img");
  writeFileSync(early, grubEarlyConfig(rootUuid));
  try {
    await exec.run(
      "chroot",
      [
        stage,
        "grub-mkimage",
        "--format=i386-pc",
        "--output=/tmp/onekube-grub-core.img",
        "--config=/tmp/onekube-grub-early.cfg",
        "--prefix=/boot/grub",
        ...CORE_MODULES,
      ],
      { operation: "make GRUB's core image" },
    );
    return { boot: readFileSync(join(stage, GRUB_DIR, "boot.img")), core: readFileSync(core) };
  } finally {
    rmSync(early, { force: true });
    rmSync(core, { force: true });
  }
}
