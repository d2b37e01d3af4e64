/**
 * Everything an image is built from, found on this machine and fingerprinted: onekube itself,
 * the node binaries and container images of the build cache, the pinned add-on manifests. The
 * fingerprints key the cache, so a build whose inputs did not change does no work.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { UsageError } from "../../errors.js";
import { builtArchives, REPO_ROOT } from "../../images/build.js";
import { VERSIONS } from "../../versions.js";

/** A file put into the image, and where. */
export interface Placed {
  readonly source: string;
  /** Absolute path inside the image. */
  readonly target: string;
  readonly mode?: number;
}

export interface BuildInputs {
  /** onekube's own files (package.json, lock, bin/, dist/src/), relative to the repository. */
  readonly app: readonly string[];
  readonly repo: string;
  readonly binaries: readonly (Placed & { readonly component: string; readonly version: string })[];
  readonly images: readonly (Placed & { readonly reference: string })[];
  readonly addons: readonly (Placed & { readonly name: string; readonly sha256: string })[];
}

/** The node programs every Kubernetes role runs, from the build cache (scripts/setup builds them). */
export function nodeBinaries(cache: string) {
  const k8s = join(cache, "k8s", VERSIONS.kubernetes, "bin");
  const containerd = join(cache, "containerd", VERSIONS.containerd, "bin");
  const runc = join(cache, "runc", VERSIONS.runc, "bin");
  return [
    ...["kubeadm", "kubelet", "kubectl"].map((b) => ({
      dir: k8s,
      name: b,
      component: "kubernetes",
      version: VERSIONS.kubernetes,
    })),
    ...["containerd", "containerd-shim-runc-v2", "ctr"].map((b) => ({
      dir: containerd,
      name: b,
      component: "containerd",
      version: VERSIONS.containerd,
    })),
    { dir: runc, name: "runc", component: "runc", version: VERSIONS.runc },
  ];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/**
 * Finds every input; what is missing is reported together, with the command that makes it.
 * `addonsDir` holds the pinned manifests (src/versions.ts ADDON_MANIFESTS), checked by SHA-256.
 */
export function findInputs(
  cache: string,
  addonsDir: string,
  pins: Readonly<Record<string, { readonly file: string; readonly sha256: string }>>,
  repo = REPO_ROOT,
): BuildInputs {
  const problems: string[] = [];
  const dist = join(repo, "dist", "src");
  if (!existsSync(join(dist, "cli", "main.js")))
    problems.push(`onekube is not built (${dist}): run npm run build`);
  const app = existsSync(dist)
    ? ["package.json", "package-lock.json", "bin/onekube.js", ...walk(dist).map((f) => relative(repo, f))]
    : [];
  const binaries = nodeBinaries(cache).map((b) => {
    const source = join(b.dir, b.name);
    if (!existsSync(source)) problems.push(`${source} is missing: run scripts/setup`);
    return {
      source,
      target: `/usr/local/bin/${b.name}`,
      mode: 0o755,
      component: b.component,
      version: b.version,
    };
  });
  const archives = builtArchives(cache, repo);
  if (archives.length === 0) problems.push(`no built images in ${cache}: run onekube images build`);
  const images = archives.map((a) => ({
    source: a.archive,
    target: `/usr/share/onekube/images/${a.archive.split("/").pop()}`,
    reference: a.reference,
  }));
  const addons = Object.entries(pins).map(([name, pin]) => {
    const source = join(addonsDir, pin.file);
    if (!existsSync(source)) problems.push(`${source} is missing (the pinned ${name} manifest)`);
    else {
      const sha = createHash("sha256").update(readFileSync(source)).digest("hex");
      if (sha !== pin.sha256) problems.push(`${source} is not the pinned ${name} release (SHA-256 ${sha})`);
    }
    return { source, target: `/usr/share/onekube/addons/${pin.file}`, name, sha256: pin.sha256 };
  });
  if (problems.length > 0)
    throw new UsageError(`appliance build: missing inputs:\n  ${problems.join("\n  ")}`);
  return { app, repo, binaries, images, addons };
}

export async function fileDigest(path: string, algorithm = "sha256"): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** One fingerprint of many files: each file's path, mode and content. */
export async function filesDigest(files: readonly { label: string; path: string }[]): Promise<string> {
  const hash = createHash("sha256");
  for (const f of files) {
    hash.update(`${f.label}\0${statSync(f.path).mode & 0o777}\0${await fileDigest(f.path)}\n`);
  }
  return hash.digest("hex");
}

export function textDigest(...parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex");
}
