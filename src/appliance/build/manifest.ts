/**
 * What an image holds, written beside the qcow2 (with its checksums: `appliance export` reads
 * it, see export/manifest.ts for the fields it needs) and inside the image (without them).
 */
import type { Exec } from "../../host/exec.js";
import type { PodNetwork } from "../../node/platform.js";
import { DEBIAN } from "../recipe.js";
import type { BuildInputs } from "./inputs.js";
import type { Qcow2Facts } from "./qcow2.js";

export interface ImageContents {
  readonly version: string;
  readonly debian: { readonly release: string; readonly codename: string; readonly mirror: string };
  readonly kernel: string;
  readonly podNetwork: PodNetwork;
  /** The build key: the fingerprint of every input. */
  readonly key: string;
  readonly components: readonly { readonly name: string; readonly version: string; readonly path: string }[];
  readonly images: readonly string[];
  readonly addons: readonly { readonly name: string; readonly file: string; readonly sha256: string }[];
  /** Every Debian package installed, name → version. */
  readonly packages: Readonly<Record<string, string>>;
}

export function imageContents(
  f: Omit<ImageContents, "components" | "images" | "addons" | "debian">,
  inputs: BuildInputs,
  mirror: string,
): ImageContents {
  return {
    version: f.version,
    debian: { release: DEBIAN.release, codename: DEBIAN.codename, mirror },
    kernel: f.kernel,
    podNetwork: f.podNetwork,
    key: f.key,
    components: [
      { name: "onekube", version: f.version, path: "/usr/lib/onekube" },
      ...inputs.binaries.map((b) => ({
        name: b.target.split("/").pop() ?? b.component,
        version: b.version,
        path: b.target,
      })),
    ],
    images: inputs.images.map((i) => i.reference).sort(),
    addons: inputs.addons.map((a) => ({ name: a.name, file: a.target, sha256: a.sha256 })),
    packages: f.packages,
  };
}

/** The manifest beside the qcow2: the file, its sizes and checksums, then the contents. */
export function imageManifest(file: string, disk: Qcow2Facts, contents: ImageContents, created: Date) {
  const { version, ...rest } = contents;
  return {
    file,
    version,
    sha256: disk.sha256,
    md5: disk.md5,
    virtualSize: disk.virtualSize,
    fileSize: disk.fileSize,
    created: created.toISOString(),
    ...rest,
  };
}

export async function installedPackages(exec: Exec, stage: string): Promise<Record<string, string>> {
  const r = await exec.run(
    "dpkg-query",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${field} syntax
    [`--admindir=${stage}/var/lib/dpkg`, "-W", "-f=${Package}\t${Version}\n"],
    { operation: "list the image's packages" },
  );
  return Object.fromEntries(
    r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\t") as [string, string])
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
