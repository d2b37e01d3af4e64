import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { finished } from "node:stream/promises";
import { extract, type Pack, pack } from "tar-stream";
import { BUNDLE_MANIFEST, digestOfPath } from "./oci-layout.js";

/**
 * Reading and writing OCI image layouts as tar archives, streaming (bundles hold hundreds of
 * MiB). Every blob is hashed as it is read: a blob whose content is not its name is reported,
 * so a corrupted archive is caught before anything trusts it.
 */

const METADATA = new Set(["oci-layout", "index.json", BUNDLE_MANIFEST]);

export interface Mismatch {
  /** The digest the blob is named by. */
  readonly digest: string;
  /** The digest of its content. */
  readonly actual: string;
}

export interface Unpacked {
  /** The digests of the blobs now under `dir`. */
  readonly blobs: ReadonlySet<string>;
  readonly mismatches: readonly Mismatch[];
}

/**
 * Unpacks a layout archive into `dir`: only `oci-layout`, `index.json`, the bundle manifest
 * and `blobs/sha256/<hex>` are taken (anything else, `..` included, is refused, never written).
 * The metadata files go to `metadataDir` when given, so that several archives share one blob
 * store without overwriting each other's index.json.
 */
export async function unpackLayout(archive: string, dir: string, metadataDir = dir): Promise<Unpacked> {
  const blobs = new Set<string>();
  const mismatches: Mismatch[] = [];
  const reader = extract();
  createReadStream(archive)
    .on("error", (e) => reader.destroy(e))
    .pipe(reader);
  for await (const entry of reader) {
    const name = entry.header.name.replace(/^\.\//, "");
    if (entry.header.type === "directory") {
      entry.resume();
      continue;
    }
    const digest = digestOfPath(name);
    if (entry.header.type !== "file" || (digest === undefined && !METADATA.has(name))) {
      reader.destroy();
      throw new Error(`${archive}: unexpected entry ${JSON.stringify(entry.header.name)} in an OCI layout`);
    }
    const file = join(digest === undefined ? metadataDir : dir, name);
    mkdirSync(dirname(file), { recursive: true });
    const hash = createHash("sha256");
    const out = createWriteStream(file);
    for await (const chunk of entry) {
      hash.update(chunk as Buffer);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    out.end();
    await finished(out);
    if (digest === undefined) continue;
    blobs.add(digest);
    const actual = `sha256:${hash.digest("hex")}`;
    if (actual !== digest) mismatches.push({ digest, actual });
  }
  return { blobs, mismatches };
}

const FIXED = { mtime: new Date(0), uid: 0, gid: 0, uname: "", gname: "" };

function addFile(p: Pack, name: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = p.entry({ name, size: statSync(file).size, mode: 0o644, ...FIXED }, (e) =>
      e ? reject(e) : resolve(),
    );
    createReadStream(file)
      .on("error", (e) => {
        sink.destroy(e);
        reject(e);
      })
      .pipe(sink);
  });
}

/**
 * Writes `dir`'s layout as one archive, the same bytes for the same content: metadata first,
 * then blobs by digest, fixed times, owners and modes.
 */
export async function packLayout(dir: string, blobs: readonly string[], archive: string): Promise<void> {
  const p = pack();
  const out = createWriteStream(archive);
  p.pipe(out);
  for (const name of ["oci-layout", "index.json", BUNDLE_MANIFEST]) await addFile(p, name, join(dir, name));
  for (const d of ["blobs/", "blobs/sha256/"]) p.entry({ name: d, type: "directory", mode: 0o755, ...FIXED });
  for (const digest of [...blobs].sort()) {
    const name = `blobs/sha256/${digest.slice("sha256:".length)}`;
    await addFile(p, name, join(dir, name));
  }
  p.finalize();
  await finished(out);
}
