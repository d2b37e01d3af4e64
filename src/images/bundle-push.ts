import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudError } from "../errors.js";
import { mirrorRepository } from "../render/registry.js";
import { unpackLayout } from "./bundle-tar.js";
import { RegistryClient, type RegistryTarget } from "./distribution.js";
import {
  BUNDLE_MANIFEST,
  type BundleImage,
  blobPath,
  childrenOf,
  type Descriptor,
  MEDIA,
  parseBundleManifest,
} from "./oci-layout.js";

/**
 * `onekube images push`: a bundle into any OCI registry, each image under its full upstream
 * name (mirrorRepository), which is where renderMirrorHosts points containerd. The whole bundle
 * is unpacked and every blob's digest checked before the first request: a corrupt bundle
 * pushes nothing. Registry failures are per image and all reported.
 */

export interface PushedImage {
  readonly reference: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  /** `skipped`: not tried, because the registry stopped answering at an earlier image. */
  readonly status: "pushed" | "failed" | "skipped";
  /** Blobs sent, and blobs the registry held already. */
  readonly uploaded: number;
  readonly present: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly error?: string;
}

export interface PushOptions {
  readonly target: RegistryTarget;
  /** Where the bundle is unpacked for the push (default: the system's temp directory). */
  readonly workDir?: string;
  readonly onImage?: (image: PushedImage) => void;
  readonly now?: () => number;
}

/** The bundle failed its integrity check; nothing was pushed. */
export class BundleIntegrityError extends Error {
  override readonly name = "BundleIntegrityError";
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${file} failed its integrity check; nothing was pushed:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
  }
}

const MANIFEST_TYPES: ReadonlySet<string> = new Set(Object.values(MEDIA));

async function pushImage(client: RegistryClient, dir: string, image: BundleImage, now: () => number) {
  const started = now();
  const { repository, tag } = mirrorRepository(image.reference);
  const counts = { uploaded: 0, present: 0, bytes: 0 };
  const read = (digest: string) => readFileSync(join(dir, blobPath(digest)));
  // Children before parents: a registry refuses a manifest whose blobs it lacks.
  const push = async (d: Descriptor, ref: string): Promise<void> => {
    const body = read(d.digest);
    for (const child of childrenOf(d.mediaType, body.toString("utf8"), `${image.reference} ${d.digest}`)) {
      if (MANIFEST_TYPES.has(child.mediaType)) await push(child, child.digest);
      else if (await client.hasBlob(repository, child.digest)) counts.present++;
      else {
        const content = read(child.digest);
        await client.uploadBlob(repository, child.digest, content);
        counts.uploaded++;
        counts.bytes += content.length;
      }
    }
    const stored = await client.putManifest(repository, ref, d.mediaType, body);
    if (stored !== undefined && stored !== d.digest)
      throw new Error(`the registry stored manifest ${ref} as ${stored}, not ${d.digest}`);
  };
  const result = { reference: image.reference, repository, tag, digest: image.digest };
  try {
    await push(image, tag);
    const pushed = { ...result, status: "pushed" as const, ...counts, seconds: (now() - started) / 1000 };
    return { pushed, unreachable: false };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    const unreachable = e instanceof CloudError && e.status === undefined;
    const pushed = {
      ...result,
      status: "failed" as const,
      ...counts,
      seconds: (now() - started) / 1000,
      error,
    };
    return { pushed, unreachable };
  }
}

/** The integrity problems of an unpacked bundle, each naming the image and the blob. */
function integrityProblems(
  images: readonly BundleImage[],
  blobs: ReadonlySet<string>,
  corrupt: ReadonlyMap<string, string>,
): string[] {
  const problems: string[] = [];
  for (const image of images) {
    for (const digest of [image.digest, ...image.blobs]) {
      const actual = corrupt.get(digest);
      if (actual)
        problems.push(
          `${image.reference}: blob ${digest} does not match its content (sha256 of the content: ${actual})`,
        );
      else if (!blobs.has(digest))
        problems.push(`${image.reference}: blob ${digest} is missing from the bundle`);
    }
  }
  return problems;
}

export async function pushBundle(file: string, o: PushOptions): Promise<PushedImage[]> {
  const now = o.now ?? Date.now;
  const dir = mkdtempSync(join(o.workDir ?? tmpdir(), "onekube-push-"));
  try {
    const unpacked = await unpackLayout(file, dir);
    if (!existsSync(join(dir, BUNDLE_MANIFEST)))
      throw new Error(`${file} has no ${BUNDLE_MANIFEST}: not a bundle written by onekube images save`);
    const { images } = parseBundleManifest(readFileSync(join(dir, BUNDLE_MANIFEST), "utf8"));
    const corrupt = new Map(unpacked.mismatches.map((m) => [m.digest, m.actual]));
    const problems = integrityProblems(images, unpacked.blobs, corrupt);
    if (problems.length > 0) throw new BundleIntegrityError(file, problems);
    const client = new RegistryClient(o.target);
    const results: PushedImage[] = [];
    let down: string | undefined;
    for (const image of images) {
      if (down !== undefined) {
        const { repository, tag } = mirrorRepository(image.reference);
        const skipped = { reference: image.reference, repository, tag, digest: image.digest };
        const error = `not tried: the registry did not answer (${down})`;
        results.push({ ...skipped, status: "skipped", uploaded: 0, present: 0, bytes: 0, seconds: 0, error });
        continue;
      }
      const { pushed, unreachable } = await pushImage(client, dir, image, now);
      if (unreachable) down = client.base;
      o.onImage?.(pushed);
      results.push(pushed);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
