import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { hostExec } from "../../host/exec.js";
import {
  type BuildResult,
  buildImages,
  DEFAULT_CACHE,
  loadBuildPlan,
  missingTools,
} from "../../images/build.js";
import { selectTargets } from "../../images/build-plan.js";
import {
  type AddonManifestTexts,
  type CatalogueEntry,
  catalogue,
  describeUse,
  type ImageSource,
  renderAddonObjects,
} from "../../images/catalogue.js";
import { ADDON_MANIFESTS } from "../../versions.js";
import { type Io, printJson, table } from "../io.js";
import { registerImagesBundle } from "./images-bundle.js";

/** shared/upstream beside the repository (this file is dist/src/cli/commands/images.js). */
const DEFAULT_MANIFESTS = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "..",
  "..",
  "shared",
  "upstream",
);

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The pinned manifests found in `dir`; a missing or altered file is noted on stderr. */
function readManifests(dir: string, io: Io): AddonManifestTexts {
  const texts: { -readonly [K in keyof AddonManifestTexts]: string } = {};
  for (const [addon, pin] of Object.entries(ADDON_MANIFESTS) as [
    keyof AddonManifestTexts,
    { file: string; sha256: string },
  ][]) {
    const file = join(dir, pin.file);
    if (!existsSync(file)) {
      io.err(`note: ${file} not found; ${addon}'s images are not listed\n`);
      continue;
    }
    const text = readFileSync(file, "utf8");
    const sha = createHash("sha256").update(text).digest("hex");
    if (sha !== pin.sha256) io.err(`note: ${file} is not the pinned release (SHA-256 ${sha})\n`);
    texts[addon] = text;
  }
  return texts;
}

function sourceText(source: ImageSource): string {
  switch (source.kind) {
    case "built":
      return `${source.module} (${source.recipe})${source.note ? `; ${source.note}` : ""}`;
    case "upstream-only":
      return `${source.reason}${source.note ? `; ${source.note}` : ""}`;
  }
}

export function imagesTable(entries: readonly CatalogueEntry[]): string {
  const rows = entries.map((e) => [
    e.reference,
    e.source.kind,
    sourceText(e.source),
    e.usedBy.map(describeUse).join(", "),
  ]);
  return table([["REFERENCE", "HOW", "SOURCE/REASON", "USED BY"], ...rows]);
}

export function registerImages(program: Command, io: Io): void {
  const images = program.command("images").description("the container images a onekube cluster runs");
  images
    .command("list")
    .description("list every image (kubeadm's and the add-ons') with how onekube obtains it")
    .option("--json", "print the catalogue as JSON")
    .option(
      "--manifests <dir>",
      `directory holding the pinned upstream manifests (${ADDON_MANIFESTS.canal.file}, ...; default: ../shared/upstream beside the repository, if present)`,
    )
    .action((opts: { json?: boolean; manifests?: string }) => {
      let texts: AddonManifestTexts = {};
      if (opts.manifests !== undefined) {
        if (!isDirectory(opts.manifests))
          throw new UsageError(`--manifests: ${opts.manifests} is not a directory`);
        texts = readManifests(opts.manifests, io);
      } else if (isDirectory(DEFAULT_MANIFESTS)) {
        texts = readManifests(DEFAULT_MANIFESTS, io);
      } else {
        io.err(
          `note: no add-on manifests (${DEFAULT_MANIFESTS} is absent); listing only kubeadm's images. Pass --manifests DIR.\n`,
        );
      }
      const entries = catalogue(renderAddonObjects(texts));
      if (opts.json) return printJson(io, entries);
      io.out(`${imagesTable(entries)}\n`);
    });
  images
    .command("build")
    .description(
      "build every image onekube builds from source (kubeadm's, flannel, MetalLB) as OCI archives in the cache; images already built are skipped. Needs root, buildah, Go, gcc and iptables (scripts/setup installs them)",
    )
    .option(
      "--only <name...>",
      "build only these (a name such as kube-proxy, flannel, metallb-speaker, or a reference)",
    )
    .option("--cache <dir>", "the build cache (default: $ONEKUBE_CACHE, else /var/cache/onekube)")
    .option("--json", "print the results as JSON")
    .action(async (opts: { only?: string[]; cache?: string; json?: boolean }) => {
      const cache = resolve(opts.cache ?? io.env.ONEKUBE_CACHE ?? DEFAULT_CACHE);
      const { targets, unknown } = selectTargets(loadBuildPlan(cache), opts.only ?? []);
      if (unknown.length > 0)
        throw new UsageError(
          `--only: unknown image ${unknown.join(", ")} (known: ${loadBuildPlan(cache)
            .map((t) => t.name)
            .join(", ")})`,
        );
      if (targets.some((t) => !existsSync(t.archive))) {
        const missing = missingTools(io.env.PATH, process.getuid?.() ?? 0);
        if (missing.length > 0) throw new UsageError(`images build needs ${missing.join(", ")}`);
      }
      const stamp = (s: number) => `[${s.toFixed(1).padStart(6)} s]`;
      const results = await buildImages(targets, {
        exec: hostExec,
        cache,
        env: io.env,
        events: {
          step: (t, title, elapsed) => io.err(`${stamp(elapsed)} ${t.reference}: ${title}\n`),
          done: (r, elapsed) => opts.json || io.out(`${stamp(elapsed)} ${describeBuild(r)}\n`),
        },
      });
      if (opts.json) return printJson(io, results);
      const built = results.filter((r) => r.status === "built").length;
      io.out(
        built === 0
          ? `all ${results.length} images were built already: nothing to do\n`
          : `built ${built} of ${results.length} images into ${cache}\n`,
      );
    });
  registerImagesBundle(images, io);
}

function describeBuild(r: BuildResult): string {
  const size = `${(r.bytes / 2 ** 20).toFixed(1)} MiB`;
  return r.status === "cached"
    ? `cached ${r.reference} (${size})`
    : `built ${r.reference} in ${r.seconds.toFixed(1)} s (${size})`;
}
