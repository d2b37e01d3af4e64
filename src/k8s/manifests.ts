import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadManifest } from "../render/canal.js";
import { ADDON_MANIFESTS } from "../versions.js";
import { ADDON_NAMES, type AddonManifests, type AddonName } from "./addons.js";

/**
 * The pinned upstream manifests are trusted only with the SHA-256 pinned in versions.ts:
 * a file of another release (or a truncated download) must stop the install, not half-apply.
 */
export function checkManifest(name: AddonName, content: Buffer | string): void {
  const { file, sha256 } = ADDON_MANIFESTS[name];
  const actual = createHash("sha256").update(content).digest("hex");
  if (actual !== sha256) {
    throw new Error(`${file}: SHA-256 mismatch: expected ${sha256}, got ${actual} (not the pinned release?)`);
  }
}

/** Reads, checks and parses the named add-ons' manifests (all three by default) from `dir`. */
export async function loadAddonManifests(
  dir: string,
  names: readonly AddonName[] = ADDON_NAMES,
): Promise<AddonManifests> {
  const manifests: { [name in AddonName]?: ReturnType<typeof loadManifest> } = {};
  for (const name of names) {
    const path = join(dir, ADDON_MANIFESTS[name].file);
    const content = await readFile(path);
    checkManifest(name, content);
    manifests[name] = loadManifest(content.toString("utf8"));
  }
  return manifests;
}
