/**
 * The raw disk, made without mounting anything: an MBR partition table (sfdisk on the file),
 * an ext4 file system written straight into the partition's place and filled from the staged
 * directory (`mke2fs -d`), and GRUB's boot and core images in the MBR and the gap after it.
 * The file system is made by the image's own mke2fs (Debian 13's e2fsprogs, run through the
 * image's own loader and libraries): the image's e2fsck then knows every feature it sets, and
 * unlike the build host's older one it honours SOURCE_DATE_EPOCH for every inode's times. With
 * the UUID and hash seed taken from the build key, the same inputs make the same bytes.
 */
import { closeSync, openSync, rmSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Exec } from "../../host/exec.js";
import { APPLIANCE_EPOCH, DISK } from "../recipe.js";
import type { GrubImages } from "./grub.js";

const GIB = 2 ** 30;

/** A UUID (version 4 layout) taken from a hex digest, so a key always names the same disk. */
export function uuidFrom(hex: string): string {
  const h = hex.slice(0, 32).split("");
  h[12] = "4";
  h[16] = ((Number.parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  const s = h.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** Whole GiB holding `usedBytes` of files with the recipe's headroom above them, at least the recipe's least size. */
export function virtualSize(usedBytes: number): number {
  const start = DISK.partitionStartSector * DISK.sectorBytes;
  return Math.max(DISK.minVirtualGiB, Math.ceil((usedBytes + start) / GIB + DISK.headroomGiB)) * GIB;
}

export async function usedBytes(exec: Exec, stage: string): Promise<number> {
  const r = await exec.run("du", ["-s", "--block-size=1", "-x", stage], {
    operation: "measure the staged root",
  });
  return Number(r.stdout.split(/\s/)[0]);
}

/** argv that runs one of the image's programs on the build host, with the image's loader and libraries. */
export function imageProgram(stage: string, program: string): string[] {
  const libs = ["usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu"].map((l) => join(stage, l)).join(":");
  return [join(stage, "usr/lib64/ld-linux-x86-64.so.2"), "--library-path", libs, join(stage, program)];
}

export interface DiskSpec {
  readonly raw: string;
  readonly stage: string;
  readonly sizeBytes: number;
  readonly rootUuid: string;
  readonly grub: GrubImages;
}

export async function makeDisk(exec: Exec, d: DiskSpec): Promise<void> {
  const start = DISK.partitionStartSector * DISK.sectorBytes;
  if (d.grub.core.length > start - DISK.sectorBytes)
    throw new Error(`GRUB's core image (${d.grub.core.length} bytes) does not fit before the partition`);
  rmSync(d.raw, { force: true });
  closeSync(openSync(d.raw, "w"));
  truncateSync(d.raw, d.sizeBytes);
  const labelId = `0x${d.rootUuid.replaceAll("-", "").slice(0, 8)}`;
  await exec.run("sfdisk", ["--quiet", "--no-reread", "--no-tell-kernel", d.raw], {
    input: `label: dos\nlabel-id: ${labelId}\nstart=${DISK.partitionStartSector}, type=83, bootable\n`,
    operation: "write the partition table",
  });
  const fsKiB = (d.sizeBytes - start) / 1024;
  const [loader, ...loaderArgs] = imageProgram(d.stage, "usr/sbin/mke2fs");
  await exec.run(
    loader as string,
    [
      ...loaderArgs,
      "-q",
      "-F",
      "-t",
      "ext4",
      "-L",
      DISK.fsLabel,
      "-U",
      d.rootUuid,
      "-E",
      `offset=${start},hash_seed=${d.rootUuid},root_owner=0:0`,
      "-d",
      d.stage,
      d.raw,
      `${fsKiB}k`,
    ],
    {
      operation: "make the root file system from the staged root",
      env: {
        PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
        MKE2FS_CONFIG: join(d.stage, "etc", "mke2fs.conf"),
        // Every time in the file system, and every later one clamped to it.
        SOURCE_DATE_EPOCH: String(APPLIANCE_EPOCH),
      },
      timeoutMs: 20 * 60_000,
    },
  );
  const fd = openSync(d.raw, "r+");
  try {
    // boot.img's code only: bytes 440-511 hold the disk signature and partition table.
    writeSync(fd, d.grub.boot, 0, 440, 0);
    writeSync(fd, d.grub.core, 0, d.grub.core.length, DISK.sectorBytes);
  } finally {
    closeSync(fd);
  }
}
