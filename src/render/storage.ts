import type { StorageConfig } from "../params/types.js";
import type { RenderedFile } from "./files.js";

/** The fstab entry of the storage disk, by label so it survives device renames. */
export function fstabLine(storage: StorageConfig): string {
  return `LABEL=${storage.label} ${storage.mountpoint} ${storage.filesystem} defaults,nofail 0 2`;
}

export function renderFstab(storage: StorageConfig): RenderedFile {
  return { path: "storage/fstab", content: `${fstabLine(storage)}\n` };
}
