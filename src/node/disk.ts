/**
 * The storage role's disk made ready for Longhorn (ONEAPP_STORAGE_*): probe → plan → format
 * only a blank disk → mount → fstab by UUID → grow after a resize. Every step observes first
 * and reports whether it changed anything, so a re-run (a reboot, a forced context run after a
 * disk resize) changes nothing but what is missing.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../errors.js";
import type { Exec } from "../host/exec.js";
import { writeIfChanged } from "../host/files.js";
import type { StorageConfig } from "../params/types.js";
import { fstabLine, mergeFstab } from "../render/storage.js";
import { type GrowResult, growFilesystem } from "./disk-grow.js";
import { deviceNumber, parseFindmnt, parseWipefs } from "./disk-parse.js";
import { type DiskPlan, type DiskProbe, planDisk } from "./disk-plan.js";

export interface StorageDiskOptions {
  /** The fstab to keep the mount in; tests pass one of their own. */
  readonly fstab?: string;
  readonly log: (line: string) => void;
}

export interface StorageDiskResult {
  /** Whether any step changed anything. */
  readonly changed: boolean;
  readonly formatted: boolean;
  /** Mounted by this run (false when it already was). */
  readonly mounted: boolean;
  readonly fstabChanged: boolean;
  readonly grown: boolean;
  readonly uuid: string;
  /** The filesystem's size after the run, bytes. */
  readonly filesystemBytes: number;
}

function nodeOf(device: string): DiskProbe["node"] {
  if (!existsSync(device)) return { kind: "missing" };
  const stat = statSync(device, { bigint: true });
  return stat.isBlockDevice() ? { kind: "block", number: deviceNumber(stat.rdev) } : { kind: "other" };
}

/** What is on the device and what is mounted where. Reads only: `wipefs` without -a lists. */
export async function probeDisk(exec: Exec, storage: StorageConfig): Promise<DiskProbe> {
  const node = nodeOf(storage.device);
  const operation = `probe storage disk ${storage.device}`;
  const signatures =
    node.kind === "block"
      ? parseWipefs((await exec.run("wipefs", ["--json", storage.device], { operation })).stdout)
      : [];
  const table = await exec.run("findmnt", ["--json", "--list", "--output", "SOURCE,TARGET,MAJ:MIN"], {
    operation,
  });
  const mountpoint = existsSync(storage.mountpoint)
    ? realpathSync(storage.mountpoint)
    : resolve(storage.mountpoint);
  return { node, signatures, mounts: parseFindmnt(table.stdout), mountpoint };
}

async function plan(exec: Exec, storage: StorageConfig): Promise<Exclude<DiskPlan, { action: "refuse" }>> {
  const decided = planDisk(await probeDisk(exec, storage), storage);
  if (decided.action !== "refuse") return decided;
  throw new ConfigError([
    {
      code: decided.code,
      param: "ONEAPP_STORAGE_DEVICE",
      value: storage.device,
      message: decided.reason,
      severity: "error",
    },
  ]);
}

async function format(exec: Exec, storage: StorageConfig): Promise<void> {
  const { device, filesystem, label } = storage;
  // No force flag: mkfs.xfs itself then refuses a disk that gained a signature since the probe.
  const [file, args] =
    filesystem === "xfs" ? ["mkfs.xfs", ["-L", label, device]] : ["mkfs.ext4", ["-q", "-L", label, device]];
  await exec.run(file, args, { operation: `format ${device} as ${filesystem}` });
}

async function persist(fstab: string, storage: StorageConfig, uuid: string): Promise<boolean> {
  const current = existsSync(fstab) ? readFileSync(fstab, "utf8") : "";
  const mode = existsSync(fstab) ? statSync(fstab).mode & 0o777 : 0o644;
  return writeIfChanged(fstab, mergeFstab(current, fstabLine(storage, `UUID=${uuid}`)), mode);
}

export async function prepareStorageDisk(
  exec: Exec,
  storage: StorageConfig,
  options: StorageDiskOptions,
): Promise<StorageDiskResult> {
  const { device, filesystem, label, mountpoint } = storage;
  const timed = async <T>(run: () => Promise<T>, said: (t: T) => string | undefined): Promise<T> => {
    const start = Date.now();
    const result = await run();
    const what = said(result);
    if (what) options.log(`[storage] ${what} in ${Date.now() - start} ms`);
    return result;
  };
  let found = await plan(exec, storage);
  const formatted = found.action === "format";
  if (found.action === "format") {
    await timed(
      () => format(exec, storage),
      () => `formatted ${device} as ${filesystem} labelled ${label}`,
    );
    found = await plan(exec, storage);
    if (found.action !== "reuse") throw new Error(`${device} still looks blank after mkfs.${filesystem}`);
  }
  const { uuid } = found;
  const dirMade = mkdirSync(mountpoint, { recursive: true, mode: 0o755 }) !== undefined;
  const fstabChanged = await persist(options.fstab ?? "/etc/fstab", storage, uuid);
  const grow = (isMounted: boolean) => () => growFilesystem(exec, storage, isMounted);
  const grew = (g: GrowResult) => (g.grown ? `grew ${device} to ${g.bytes} bytes by ${g.via}` : undefined);
  // ext4 grows before it is mounted when it can (no capability needed); xfs grows only mounted.
  const early = filesystem === "ext4" && !found.mounted ? await timed(grow(false), grew) : undefined;
  const mounted = !found.mounted;
  if (mounted) {
    await timed(
      () => exec.run("mount", ["-t", filesystem, device, mountpoint], { operation: `mount ${device}` }),
      () => `mounted ${device} (UUID ${uuid}) at ${mountpoint}`,
    );
  }
  const { grown, bytes } = early ?? (await timed(grow(true), grew));
  const changed = formatted || dirMade || fstabChanged || mounted || grown;
  return { changed, formatted, mounted, fstabChanged, grown, uuid, filesystemBytes: bytes };
}
