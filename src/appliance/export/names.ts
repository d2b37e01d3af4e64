/**
 * What the import set names, all from onekube's version so that two versions live side by side
 * in one cloud: the image `onekube-<version>`, the VM templates `onekube-<version>-<role>`, the
 * service template `onekube-<version>`, and the marketplace apps after OneKE's ("OneKE 1.33 OS
 * disk", "Service OneKE 1.33").
 */
import type { Role } from "../../params/types.js";

export interface ExportNames {
  readonly image: string;
  /** Prefix of the VM templates' names: `<prefix>-<role>`. */
  readonly templatePrefix: string;
  readonly service: string;
  readonly app: { readonly image: string; readonly vm: (role: Role) => string; readonly service: string };
}

export function exportNames(version: string): ExportNames {
  const base = `onekube-${version}`;
  return {
    image: base,
    templatePrefix: base,
    service: base,
    app: {
      image: `onekube ${version} OS disk`,
      vm: (role) => `onekube ${version} ${role}`,
      service: `Service onekube ${version}`,
    },
  };
}

/**
 * Where the operator puts the qcow2 on the front-end when no URL is given: outside the
 * directories the datastore drivers refuse to copy from (/var/lib/one, /etc/one, oneadmin's
 * home, src/datastore_mad/remotes/libfs.sh), readable by oneadmin, and kept across reboots.
 */
export const FRONTEND_IMAGE_DIR = "/var/tmp/onekube";
