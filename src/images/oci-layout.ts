/**
 * The parts of the OCI image layout and image spec a bundle needs, as data. Pure: parsing and
 * naming only; reading and hashing happen in bundle-tar.ts.
 */

export const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

/** Every manifest type a registry may hold; sent as `Accept` so it answers with the stored bytes. */
export const MANIFEST_ACCEPT = Object.values(MEDIA).join(", ");

export const REF_NAME = "org.opencontainers.image.ref.name";
/** The bundle's own manifest of references and digests, beside index.json. */
export const BUNDLE_MANIFEST = "onekube-bundle.json";
export const BUNDLE_FORMAT = "onekube-bundle/v1";

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface BundleImage {
  readonly reference: string;
  /** Digest of the top manifest (what a registry answers for `reference`). */
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  /** Every blob the image needs (child manifests, configs, layers), each once. */
  readonly blobs: readonly string[];
}

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly images: readonly BundleImage[];
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: unknown): value is string {
  return typeof value === "string" && DIGEST.test(value);
}

/** `blobs/sha256/<hex>` of a digest. */
export function blobPath(digest: string): string {
  if (!isDigest(digest)) throw new Error(`${digest}: not a sha256 digest`);
  return `blobs/sha256/${digest.slice("sha256:".length)}`;
}

/** The digest a layout entry stores, or undefined when the entry is not a blob. */
export function digestOfPath(path: string): string | undefined {
  const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(path);
  return m ? `sha256:${m[1]}` : undefined;
}

export function isIndex(mediaType: string): boolean {
  return mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerList;
}

function descriptor(value: unknown, where: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (!d || typeof d.mediaType !== "string" || !isDigest(d.digest) || typeof d.size !== "number")
    throw new Error(`${where}: not an OCI descriptor (mediaType, sha256 digest, size)`);
  return d as Descriptor;
}

/** index.json's (or an image index's) manifests. */
export function parseIndex(text: string, where: string): Descriptor[] {
  const index = JSON.parse(text) as { manifests?: unknown };
  if (!Array.isArray(index.manifests)) throw new Error(`${where}: no manifests list`);
  return index.manifests.map((m, i) => descriptor(m, `${where} manifests[${i}]`));
}

/** What a manifest points at: children of an index, or config and layers of an image. */
export function childrenOf(mediaType: string, text: string, where: string): Descriptor[] {
  if (isIndex(mediaType)) return parseIndex(text, where);
  const m = JSON.parse(text) as { config?: unknown; layers?: unknown };
  if (!Array.isArray(m.layers)) throw new Error(`${where}: an image manifest without layers`);
  return [
    descriptor(m.config, `${where} config`),
    ...m.layers.map((l, i) => descriptor(l, `${where} layers[${i}]`)),
  ];
}

/** The bundle manifest, checked enough to trust its digests and references. */
export function parseBundleManifest(text: string): BundleManifest {
  const m = JSON.parse(text) as Partial<BundleManifest>;
  if (m.format !== BUNDLE_FORMAT || !Array.isArray(m.images))
    throw new Error(`${BUNDLE_MANIFEST}: not a ${BUNDLE_FORMAT} manifest`);
  for (const i of m.images) {
    if (
      typeof i.reference !== "string" ||
      !isDigest(i.digest) ||
      !Array.isArray(i.blobs) ||
      !i.blobs.every(isDigest)
    )
      throw new Error(`${BUNDLE_MANIFEST}: a bad entry ${JSON.stringify(i).slice(0, 200)}`);
  }
  return m as BundleManifest;
}
