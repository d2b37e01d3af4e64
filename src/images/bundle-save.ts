import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { packLayout, unpackLayout } from "./bundle-tar.js";
import {
  BUNDLE_FORMAT,
  BUNDLE_MANIFEST,
  type BundleImage,
  type BundleManifest,
  blobPath,
  childrenOf,
  type Descriptor,
  isIndex,
  MEDIA,
  parseIndex,
  REF_NAME,
} from "./oci-layout.js";

/**
 * `onekube images save`: the built images' OCI archives merged into one OCI image layout
 * archive (blobs stored once), with index.json naming each image by its reference (so
 * `ctr images import` and other layout readers take it as is) and onekube-bundle.json listing
 * references, digests and the blobs each image needs.
 */

export interface SourceImage {
  readonly reference: string;
  /** An OCI layout archive holding the image (tools/build writes one per image). */
  readonly archive: string;
}

export interface SaveResult {
  readonly file: string;
  readonly bytes: number;
  readonly blobs: number;
  readonly manifest: BundleManifest;
}

const MANIFEST_TYPES: ReadonlySet<string> = new Set(Object.values(MEDIA));

/** Every blob below a manifest (child manifests, configs, layers), read from the staged layout. */
function blobsBelow(top: Descriptor, dir: string, present: ReadonlySet<string>, where: string): string[] {
  const out = new Set<string>();
  const walk = (d: Descriptor) => {
    const text = readFileSync(join(dir, blobPath(d.digest)), "utf8");
    for (const child of childrenOf(d.mediaType, text, `${where} ${d.digest}`)) {
      if (!present.has(child.digest)) throw new Error(`${where}: blob ${child.digest} is missing`);
      out.add(child.digest);
      if (MANIFEST_TYPES.has(child.mediaType)) walk(child);
    }
  };
  walk(top);
  return [...out];
}

function topManifest(index: readonly Descriptor[], reference: string, where: string): Descriptor {
  const named = index.filter((d) => d.annotations?.[REF_NAME] === reference);
  const top = named[0] ?? (index.length === 1 ? index[0] : undefined);
  if (!top || named.length > 1)
    throw new Error(`${where}: index.json names no single manifest for ${reference}`);
  if (!MANIFEST_TYPES.has(top.mediaType) && !isIndex(top.mediaType))
    throw new Error(`${where}: ${reference} has media type ${top.mediaType}, not a manifest`);
  return top;
}

export async function saveBundle(sources: readonly SourceImage[], file: string): Promise<SaveResult> {
  const seen = new Set<string>();
  for (const s of sources) {
    if (seen.has(s.reference)) throw new Error(`${s.reference} is given twice`);
    seen.add(s.reference);
  }
  // Staged beside the output: the same file system, so space is checked where it will be used.
  const out = resolve(file);
  const staging = mkdtempSync(join(dirname(out), ".onekube-bundle-"));
  try {
    const images: BundleImage[] = [];
    const manifests: Descriptor[] = [];
    const all = new Set<string>();
    for (const [i, s] of sources.entries()) {
      const meta = join(staging, ".src", String(i));
      const unpacked = await unpackLayout(s.archive, staging, meta);
      const bad = unpacked.mismatches[0];
      if (bad)
        throw new Error(
          `${s.reference}: ${s.archive} is corrupt: blob ${bad.digest} holds content with digest ${bad.actual}; rebuild the image (onekube images build)`,
        );
      const where = `${s.reference} (${s.archive})`;
      const top = topManifest(
        parseIndex(readFileSync(join(meta, "index.json"), "utf8"), where),
        s.reference,
        where,
      );
      if (!unpacked.blobs.has(top.digest)) throw new Error(`${where}: manifest ${top.digest} is missing`);
      const blobs = blobsBelow(top, staging, unpacked.blobs, where);
      images.push({
        reference: s.reference,
        digest: top.digest,
        mediaType: top.mediaType,
        size: top.size,
        blobs,
      });
      manifests.push({
        mediaType: top.mediaType,
        digest: top.digest,
        size: top.size,
        annotations: { [REF_NAME]: s.reference },
      });
      for (const d of [top.digest, ...blobs]) all.add(d);
    }
    const manifest: BundleManifest = { format: BUNDLE_FORMAT, images };
    writeFileSync(join(staging, "oci-layout"), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
    writeFileSync(
      join(staging, "index.json"),
      `${JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests }, null, 2)}\n`,
    );
    writeFileSync(join(staging, BUNDLE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const partial = join(staging, "bundle.tar");
    await packLayout(staging, [...all], partial);
    renameSync(partial, out);
    return { file: out, bytes: statSync(out).size, blobs: all.size, manifest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
