/**
 * The part of the manifest `onekube appliance build` writes beside the qcow2 that the import set
 * needs: the file, its checksums and sizes for the marketplace app and the image template, and
 * what is inside for the descriptions. Other keys (the component list) are allowed and ignored.
 */
import { z } from "zod";
import { UsageError } from "../../errors.js";

export const imageManifestSchema = z.looseObject({
  /** The qcow2's file name, beside the manifest (no directory). */
  file: z.string().regex(/^[^/]+\.qcow2$/, "a file name ending in .qcow2, without a directory"),
  /** onekube's version, which names the image and the templates. */
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+~-]*$/, "a version such as 0.1.0"),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits"),
  md5: z.string().regex(/^[0-9a-f]{32}$/, "32 lower-case hex digits"),
  /** The disk's virtual size in bytes (`qemu-img info`'s virtual-size). */
  virtualSize: z.int().positive(),
  /** The qcow2 file's size in bytes (what a download transfers). */
  fileSize: z.int().positive(),
  debian: z.object({ release: z.string().min(1), codename: z.string().min(1) }),
  /** When the image was built (ISO 8601); the marketplace apps' creation_time. */
  created: z.iso.datetime({ offset: true }).optional(),
});

export type ImageManifest = z.infer<typeof imageManifestSchema>;

/** The manifest read from `text`; every problem is named with its field and the file. */
export function parseImageManifest(text: string, file: string): ImageManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--image-manifest: ${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = imageManifestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
  throw new UsageError(`--image-manifest: ${file} is not an image manifest:\n  ${problems.join("\n  ")}`);
}
