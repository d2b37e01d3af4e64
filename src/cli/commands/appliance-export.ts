import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { Command } from "commander";
import { imageFileName } from "../../appliance/build/build.js";
import { exportSet } from "../../appliance/export/export-set.js";
import { type ImageLocation, imageLocationText } from "../../appliance/export/image.js";
import { type ImageManifest, parseImageManifest } from "../../appliance/export/manifest.js";
import { FRONTEND_IMAGE_DIR } from "../../appliance/export/names.js";
import { quoteValue } from "../../appliance/export/one-template.js";
import { writeDirAtomically } from "../../appliance/export/write-dir.js";
import { UsageError } from "../../errors.js";
import type { Role } from "../../params/types.js";
import { ONEKUBE_VERSION } from "../../versions.js";
import { type Io, printJson } from "../io.js";
import { parseRole } from "../options.js";

interface ExportOptions {
  out: string;
  imageUrl?: string;
  imagePath?: string;
  imageManifest?: string;
  templateIds?: string;
  force?: boolean;
  json?: boolean;
}

/** `vnf=3,master=4`: the ids of VM templates that exist already. */
export function parseTemplateIds(value: string): Partial<Record<Role, number>> {
  const ids: Partial<Record<Role, number>> = {};
  for (const item of value.split(",").filter((s) => s.trim() !== "")) {
    const [role, id, ...rest] = item.split("=").map((s) => s.trim());
    if (role === undefined || id === undefined || rest.length > 0 || !/^\d+$/.test(id))
      throw new UsageError(
        `--template-ids: expected ROLE=ID,... (e.g. vnf=3,master=4), got ${JSON.stringify(item)}`,
      );
    ids[parseRole(role)] = Number(id);
  }
  return ids;
}

function readManifest(file: string): ImageManifest {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`--image-manifest: cannot read ${file}: ${(error as Error).message}`);
  }
  return parseImageManifest(text, file);
}

/** Where oned finds the qcow2; refused here, naming the option, if the template cannot hold it. */
function imageLocation(opts: ExportOptions, imageFile: string): ImageLocation {
  const location = givenLocation(opts, imageFile);
  quoteValue(imageLocationText(location), "url" in location ? "--image-url" : "--image-path");
  return location;
}

function givenLocation(opts: ExportOptions, imageFile: string): ImageLocation {
  if (opts.imageUrl !== undefined && opts.imagePath !== undefined)
    throw new UsageError("--image-url and --image-path: give one (where OpenNebula finds the qcow2)");
  if (opts.imageUrl !== undefined) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(opts.imageUrl))
      throw new UsageError(
        `--image-url: ${JSON.stringify(opts.imageUrl)} is not a URL (https://host/path.qcow2)`,
      );
    return { url: opts.imageUrl };
  }
  const path = opts.imagePath ?? join(FRONTEND_IMAGE_DIR, imageFile);
  if (!isAbsolute(path))
    throw new UsageError(
      `--image-path: ${JSON.stringify(path)} must be absolute (oned reads it on the front-end)`,
    );
  return { path };
}

export function registerApplianceExport(appliance: Command, io: Io): void {
  appliance
    .command("export")
    .description(
      "write what an OpenNebula operator imports into --out: the image's oneimage template (image.tmpl), the four VM templates in OpenNebula's template syntax (vm-<role>.tmpl), the OneFlow service template (service.json) and its instantiation values (instantiate.json), import.sh (runs it all on the front-end), marketplace apps (marketplace/) and README.md with the steps",
    )
    .requiredOption("--out <dir>", "the directory to write; refused if it holds files, unless --force")
    .option(
      "--image-url <url>",
      "where OpenNebula downloads the qcow2 from (the image's PATH and the marketplace app's url)",
    )
    .option(
      "--image-path <path>",
      `where the qcow2 will be on the front-end (default: ${FRONTEND_IMAGE_DIR}/<its file name: the manifest's, else onekube-<version>-amd64.qcow2>)`,
    )
    .option(
      "--image-manifest <file>",
      "the .json manifest `onekube appliance build` wrote beside the qcow2: version, file, sizes and checksums (the marketplace apps need it)",
    )
    .option(
      "--template-ids <role=id,...>",
      "ids of VM templates that exist already, for service.json (default vnf=0,master=1,worker=2,storage=3; import.sh fills in the ids it creates)",
    )
    .option("--force", "replace --out even if it holds files")
    .option("--json", "print what was written as JSON")
    .action((opts: ExportOptions) => {
      const manifest = opts.imageManifest === undefined ? undefined : readManifest(opts.imageManifest);
      const version = manifest?.version ?? ONEKUBE_VERSION;
      const imageFile = manifest?.file ?? imageFileName(version);
      const location = imageLocation(opts, imageFile);
      const templateIds = opts.templateIds === undefined ? {} : parseTemplateIds(opts.templateIds);
      const set = exportSet({
        version,
        location,
        imageFile,
        manifest,
        templateIds,
        now: Math.floor(Date.now() / 1000),
      });
      const dir = resolve(opts.out);
      writeDirAtomically(dir, set.files, { force: opts.force === true });
      if (set.marketplaceSkipped) io.err(`note: ${set.marketplaceSkipped}; it was not written\n`);
      if (opts.json)
        return printJson(io, {
          dir,
          version,
          image: { name: set.names.image, ...location },
          templates: set.names.templatePrefix,
          service: set.names.service,
          files: set.files.map((f) => f.path),
          marketplace: set.marketplaceSkipped === undefined ? "written" : set.marketplaceSkipped,
        });
      io.out(`wrote ${dir} (onekube ${version}):\n${set.files.map((f) => `  ${f.path}\n`).join("")}`);
      io.out(
        `next: copy it to the OpenNebula front-end and run \`sh import.sh [DATASTORE]\` there (${join(dir, "README.md")} has every step)\n`,
      );
    });
}
