/**
 * The whole import set as files (path relative to the output directory, content, mode), from
 * what the export knows: onekube's version, where oned finds the image, the build's manifest
 * when given, and the VM templates' ids when they are known. Pure: writing is the caller's.
 */
import type { Role } from "../../params/types.js";
import { type ImageLocation, imageTemplate } from "./image.js";
import { IMAGE_ID_MARK, importScript, templateIdMark } from "./import-script.js";
import type { ImageManifest } from "./manifest.js";
import { marketplaceApps } from "./marketplace.js";
import { type ExportNames, exportNames } from "./names.js";
import { oneTemplateText } from "./one-template.js";
import { exportReadme } from "./readme.js";
import { exportServiceTemplate, instantiateTemplate, jsonText } from "./service.js";
import { exportVmTemplates, type RoleTemplates, withImageIdMark } from "./vm-templates.js";

export interface ExportSettings {
  readonly version: string;
  readonly location: ImageLocation;
  /** The qcow2's file name (the manifest's, else the build's default). */
  readonly imageFile: string;
  readonly manifest?: ImageManifest | undefined;
  readonly templateIds?: Partial<Record<Role, number>>;
  /** Epoch seconds (the marketplace apps' creation_time when the manifest has none). */
  readonly now: number;
}

export interface ExportFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export interface ExportSet {
  readonly names: ExportNames;
  readonly files: readonly ExportFile[];
  /** Why marketplace/ is not in the set, when it is not. */
  readonly marketplaceSkipped?: string;
}

function templateTexts(templates: RoleTemplates): Record<Role, string> {
  return {
    vnf: oneTemplateText(templates.vnf),
    master: oneTemplateText(templates.master),
    worker: oneTemplateText(templates.worker),
    storage: oneTemplateText(templates.storage),
  };
}

function marketplaceGaps(s: ExportSettings): string | undefined {
  const missing = [
    ...("url" in s.location ? [] : ["--image-url (where the marketplace downloads the image)"]),
    ...(s.manifest ? [] : ["--image-manifest (the image's size and checksums)"]),
  ];
  return missing.length === 0 ? undefined : `marketplace/ needs ${missing.join(" and ")}`;
}

export function exportSet(s: ExportSettings): ExportSet {
  const names = exportNames(s.version);
  const templates = exportVmTemplates({
    templatePrefix: names.templatePrefix,
    imageName: names.image,
    virtualSize: s.manifest?.virtualSize,
  });
  const service = exportServiceTemplate(names.service, s.templateIds);
  const image = oneTemplateText(
    imageTemplate({ name: names.image, version: s.version, location: s.location, manifest: s.manifest }),
  );
  const marked = {
    ...service,
    roles: service.roles.map((r) => ({ ...r, template_id: templateIdMark(r.name as Role) })),
  };
  const skipped = marketplaceGaps(s);
  const apps =
    skipped === undefined && s.manifest && "url" in s.location
      ? marketplaceApps({
          version: s.version,
          names,
          manifest: s.manifest,
          url: s.location.url,
          templates,
          service,
          now: s.now,
        })
      : {};
  const texts = templateTexts(templates);
  const files: ExportFile[] = [
    { path: "image.tmpl", content: image, mode: 0o644 },
    ...Object.entries(texts).map(([role, content]) => ({ path: `vm-${role}.tmpl`, content, mode: 0o644 })),
    { path: "service.json", content: jsonText(service), mode: 0o644 },
    { path: "instantiate.json", content: jsonText(instantiateTemplate()), mode: 0o644 },
    {
      path: "import.sh",
      content: importScript({
        version: s.version,
        imageName: names.image,
        templatePrefix: names.templatePrefix,
        serviceName: names.service,
        location: s.location,
        image,
        templates: templateTexts(withImageIdMark(templates, IMAGE_ID_MARK)),
        service: jsonText(marked),
      }),
      mode: 0o755,
    },
    ...Object.entries(apps).map(([file, content]) => ({ path: `marketplace/${file}`, content, mode: 0o644 })),
  ];
  files.push({
    path: "README.md",
    content: exportReadme({
      version: s.version,
      names,
      location: s.location,
      imageFile: s.imageFile,
      marketplace: Object.keys(apps).map((f) => `marketplace/${f}`),
    }),
    mode: 0o644,
  });
  return { names, files, ...(skipped === undefined ? {} : { marketplaceSkipped: skipped }) };
}
