/**
 * Production's way to the pinned add-on manifests: download each release file once, keep it
 * only if its SHA-256 is the pinned one, and read it from the cache afterwards.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ADDON_MANIFESTS } from "../versions.js";
import { ADDON_NAMES } from "./addons.js";
import { checkManifest } from "./manifests.js";

export async function downloadManifests(dir: string, log: (l: string) => void): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const name of ADDON_NAMES) {
    const { file, url } = ADDON_MANIFESTS[name];
    const path = join(dir, file);
    if (existsSync(path)) {
      try {
        checkManifest(name, await readFile(path));
        continue;
      } catch {
        // a damaged copy is fetched again
      }
    }
    const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
    if (!response.ok) throw new Error(`download ${url}: HTTP ${response.status}`);
    const body = Buffer.from(await response.arrayBuffer());
    checkManifest(name, body);
    await writeFile(`${path}.new`, body, { mode: 0o644 });
    await rename(`${path}.new`, path);
    log(`[addons] downloaded ${file} (${body.length} bytes, SHA-256 checked)`);
  }
}
