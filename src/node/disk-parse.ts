/**
 * Readers of what the disk tools print (wipefs, findmnt, xfs_info, dumpe2fs), pure so their
 * quirks are pinned by unit tests rather than discovered on a storage VM.
 */
import { z } from "zod";
import type { MountRow, Signature } from "./disk-plan.js";

// wipefs leaves out (or nulls, depending on the version) what a signature does not have.
const optional = z
  .string()
  .nullish()
  .transform((v) => (v ? v : undefined));

const WipefsJson = z.object({
  signatures: z
    .array(z.object({ offset: z.string(), type: z.string(), label: optional, uuid: optional }))
    .default([]),
});

/** `wipefs --json DEVICE` (listing only: without -a wipefs erases nothing). */
export function parseWipefs(stdout: string): Signature[] {
  if (stdout.trim() === "") return []; // some versions print nothing at all for a blank disk
  return WipefsJson.parse(JSON.parse(stdout)).signatures.map((s) => ({
    type: s.type,
    offset: s.offset,
    label: s.label,
    uuid: s.uuid,
  }));
}

const FindmntJson = z.object({
  filesystems: z.array(z.object({ source: z.string(), target: z.string(), "maj:min": z.string() })),
});

/** `findmnt --json --list --output SOURCE,TARGET,MAJ:MIN`, in mount order. */
export function parseFindmnt(stdout: string): MountRow[] {
  return FindmntJson.parse(JSON.parse(stdout)).filesystems.map((f) => ({
    source: f.source,
    target: f.target,
    device: f["maj:min"],
  }));
}

/** "MAJ:MIN" of a device number as glibc encodes it (`stat.rdev`). */
export function deviceNumber(rdev: bigint): string {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & 0xfffff000n);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & 0xffffff00n);
  return `${major}:${minor}`;
}

export interface FilesystemSize {
  readonly bytes: number;
  readonly blockSize: number;
}

function numberAfter(text: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(text);
  if (!match?.[1]) throw new Error(`cannot read ${what} from:\n${text}`);
  return Number(match[1]);
}

/** The data section of `xfs_info MOUNTPOINT` ("data = bsize=4096 blocks=81920, ..."). */
export function parseXfsInfo(stdout: string): FilesystemSize {
  const data = /^data\s*=.*$/m.exec(stdout)?.[0] ?? "";
  const blockSize = numberAfter(data, /bsize=(\d+)/, "the xfs block size");
  return { bytes: blockSize * numberAfter(data, /blocks=(\d+)/, "the xfs block count"), blockSize };
}

/** `dumpe2fs -h DEVICE`: "Block count:" times "Block size:". */
export function parseDumpe2fs(stdout: string): FilesystemSize {
  const blockSize = numberAfter(stdout, /^Block size:\s*(\d+)/m, "the ext4 block size");
  return {
    bytes: blockSize * numberAfter(stdout, /^Block count:\s*(\d+)/m, "the ext4 block count"),
    blockSize,
  };
}
