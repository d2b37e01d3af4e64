/**
 * Grows the storage filesystem to its device, as OpenNebula's disk resize expects (the context
 * package's GROW_FS does the same on a real VM). The grow tool runs only when the device is at
 * least one filesystem block larger than the filesystem, so an unchanged disk costs two reads;
 * "grown" is judged by the size before and after, not by the tool's exit.
 *
 * xfs grows only mounted. ext4 grows unmounted when it is (a boot after a resize), else online;
 * the kernel refuses an online ext4 resize without CAP_SYS_RESOURCE (containers, the local
 * cloud's VMs), and then the filesystem is resized offline if it can be unmounted.
 */
import type { Exec } from "../host/exec.js";
import type { StorageConfig } from "../params/types.js";
import { type FilesystemSize, parseDumpe2fs, parseXfsInfo } from "./disk-parse.js";

export async function filesystemSize(exec: Exec, storage: StorageConfig): Promise<FilesystemSize> {
  const operation = `read the size of the filesystem on ${storage.device}`;
  if (storage.filesystem === "xfs") {
    return parseXfsInfo((await exec.run("xfs_info", [storage.mountpoint], { operation })).stdout);
  }
  return parseDumpe2fs((await exec.run("dumpe2fs", ["-h", storage.device], { operation })).stdout);
}

async function resizeExt4Offline(exec: Exec, device: string, operation: string): Promise<void> {
  // resize2fs insists on a freshly checked filesystem; -p repairs only what is safe (exit 1).
  const check = await exec.run("e2fsck", ["-f", "-p", device], { operation, allowFailure: true });
  if (check.exitCode > 1) await exec.run("e2fsck", ["-f", "-n", device], { operation });
  await exec.run("resize2fs", [device], { operation });
}

/** Online when the kernel lets us, else offline; says which. */
async function resizeExt4Mounted(exec: Exec, storage: StorageConfig, operation: string): Promise<string> {
  const { device, mountpoint } = storage;
  const online = await exec.run("resize2fs", [device], { operation, allowFailure: true });
  if (online.exitCode === 0) return "resize2fs online";
  const why = online.stderr
    .split("\n")
    .filter((l) => l.trim() && !/^resize2fs \d/.test(l))
    .join("; ");
  await exec.run("umount", [mountpoint], {
    operation: `${operation}: the online resize failed (${why}), and offline needs ${mountpoint} unmounted`,
  });
  try {
    await resizeExt4Offline(exec, device, `${operation} offline`);
    return `resize2fs offline (online: ${why})`;
  } finally {
    await exec.run("mount", ["-t", "ext4", device, mountpoint], { operation: `mount ${device} again` });
  }
}

export interface GrowResult {
  readonly grown: boolean;
  /** The filesystem's size after, bytes. */
  readonly bytes: number;
  /** How it grew (or why not), for the log. */
  readonly via: string;
}

/** Grows when the device outgrew the filesystem; `mounted` says whether it is at its mount point. */
export async function growFilesystem(
  exec: Exec,
  storage: StorageConfig,
  mounted: boolean,
): Promise<GrowResult> {
  const { device, mountpoint } = storage;
  const before = await filesystemSize(exec, storage);
  const size = await exec.run("blockdev", ["--getsize64", device], {
    operation: `read the size of ${device}`,
  });
  if (Number(size.stdout.trim()) - before.bytes < before.blockSize) {
    return { grown: false, bytes: before.bytes, via: "nothing to grow" };
  }
  const operation = `grow the filesystem on ${device}`;
  let via = "xfs_growfs";
  if (storage.filesystem === "xfs") await exec.run("xfs_growfs", [mountpoint], { operation });
  else if (mounted) via = await resizeExt4Mounted(exec, storage, operation);
  else {
    await resizeExt4Offline(exec, device, operation);
    via = "resize2fs unmounted";
  }
  const after = await filesystemSize(exec, storage);
  return { grown: after.bytes > before.bytes, bytes: after.bytes, via };
}
