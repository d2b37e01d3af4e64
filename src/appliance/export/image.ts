/**
 * The `oneimage create` template of the OS disk. OpenNebula takes the format from the file
 * (the datastore's `cp` asks qemu-img) and sets DRIVER itself (Image.cc drops a user's DRIVER),
 * so FORMAT only says what the file is, as `oneimage create --format qcow2` would. PERSISTENT is
 * spelled out: every VM of the service clones the image, and a user whose DEFAULT_IMAGE_PERSISTENT
 * is YES would otherwise get a persistent image that one VM at a time can use.
 */
import { VERSIONS } from "../../versions.js";
import type { ImageManifest } from "./manifest.js";
import type { OneTemplate } from "./one-template.js";

/** Where oned reads the qcow2: a URL it downloads, or a path on the front-end. */
export type ImageLocation = { readonly url: string } | { readonly path: string };

export const imageLocationText = (location: ImageLocation): string =>
  "url" in location ? location.url : location.path;

export function imageDescription(version: string, manifest: ImageManifest | undefined): string {
  const debian = manifest ? `Debian ${manifest.debian.release} "${manifest.debian.codename}", ` : "";
  return `onekube ${version}: the OS disk of every VM of the onekube Kubernetes service (${debian}Kubernetes ${VERSIONS.kubernetes}, the images it runs inside)`;
}

export function imageTemplate(input: {
  readonly name: string;
  readonly version: string;
  readonly location: ImageLocation;
  readonly manifest?: ImageManifest | undefined;
}): OneTemplate {
  return {
    NAME: input.name,
    PATH: imageLocationText(input.location),
    TYPE: "OS",
    DEV_PREFIX: "vd",
    FORMAT: "qcow2",
    PERSISTENT: "NO",
    // The datastore's downloader checks the copy against it (src/datastore_mad/remotes/fs/cp).
    MD5: input.manifest?.md5,
    DESCRIPTION: imageDescription(input.version, input.manifest),
  };
}
