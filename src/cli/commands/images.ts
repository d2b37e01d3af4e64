import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
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
    case "buildable":
      return `${source.module}; no recipe yet${source.plan ? `; plan: ${source.plan}` : ""}`;
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
}
