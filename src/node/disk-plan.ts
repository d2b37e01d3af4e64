/**
 * What to do with the storage role's disk, decided from what a probe found on it (pure, so
 * every branch is a table row in a unit test). The one rule that matters: a disk is formatted
 * only when nothing at all is on it; anything unexpected is refused before a byte is written.
 */
import type { StorageConfig } from "../params/types.js";

/** One signature `wipefs` found: a filesystem, a partition table, a RAID member... */
export interface Signature {
  readonly type: string;
  /** Where on the disk, as wipefs prints it ("0x438"). */
  readonly offset: string;
  readonly label?: string | undefined;
  readonly uuid?: string | undefined;
}

/** One row of the mount table; `device` is the "MAJ:MIN" of what is mounted. */
export interface MountRow {
  readonly source: string;
  readonly target: string;
  readonly device: string;
}

export interface DiskProbe {
  /** The device node: a block device with its "MAJ:MIN", missing, or something else. */
  readonly node: { readonly kind: "block"; readonly number: string } | { readonly kind: "missing" | "other" };
  readonly signatures: readonly Signature[];
  readonly mounts: readonly MountRow[];
  /** The mount point as the mount table spells it (symlinks resolved). */
  readonly mountpoint: string;
}

export type DiskPlan =
  | { readonly action: "format" }
  | { readonly action: "reuse"; readonly uuid: string; readonly mounted: boolean }
  | { readonly action: "refuse"; readonly code: string; readonly reason: string };

export function describeSignature(s: Signature): string {
  const label = s.label ? ` labelled "${s.label}"` : "";
  const uuid = s.uuid ? ` (UUID ${s.uuid})` : "";
  return `${s.type}${label}${uuid} at offset ${s.offset}`;
}

function expected(storage: StorageConfig): string {
  return `${storage.filesystem} labelled "${storage.label}"`;
}

function refuse(code: string, reason: string): DiskPlan {
  return { action: "refuse", code, reason: `${reason}; nothing was changed` };
}

export function planDisk(probe: DiskProbe, storage: StorageConfig): DiskPlan {
  const { device, mountpoint } = storage;
  if (probe.node.kind !== "block") {
    return probe.node.kind === "missing"
      ? refuse("storage_device_missing", `${device} does not exist (the storage VM's extra disk)`)
      : refuse("storage_device_not_block", `${device} is not a block device`);
  }
  const number = probe.node.number;
  // The last row for a target is the one on top, the one a path under it reaches.
  const onTop = probe.mounts.findLast((m) => m.target === probe.mountpoint);
  if (onTop && onTop.device !== number) {
    return refuse(
      "storage_mountpoint_busy",
      `${mountpoint} already has ${onTop.source} mounted on it, not ${device}`,
    );
  }
  const elsewhere = probe.mounts.filter((m) => m.device === number).map((m) => m.target);
  const found = probe.signatures.map(describeSignature).join(", ");
  if (probe.signatures.length === 0) {
    if (elsewhere.length > 0) {
      return refuse(
        "storage_device_in_use",
        `${device} shows no signature yet is mounted at ${elsewhere[0]}`,
      );
    }
    return { action: "format" };
  }
  const [only] = probe.signatures;
  if (
    probe.signatures.length > 1 ||
    only === undefined ||
    only.type !== storage.filesystem ||
    only.label !== storage.label
  ) {
    return refuse(
      "storage_device_not_blank",
      `${device} holds ${found}; expected a blank disk or ${expected(storage)}. ` +
        `If its data is not needed, wipe it (wipefs -a ${device}) or set ONEAPP_STORAGE_FILESYSTEM ` +
        "and ONEAPP_STORAGE_LABEL to what it holds",
    );
  }
  if (!only.uuid) return refuse("storage_device_no_uuid", `${device} holds ${found} without a UUID`);
  if (onTop === undefined && elsewhere.length > 0) {
    return refuse(
      "storage_device_mounted_elsewhere",
      `${device} (${found}) is mounted at ${elsewhere.join(", ")}, not at ${mountpoint}; unmount it first`,
    );
  }
  return { action: "reuse", uuid: only.uuid, mounted: onTop !== undefined };
}
