/**
 * OpenNebula marketplace apps (the YAML of OpenNebula/marketplace, served by appmarket-simple),
 * shaped after OneKE 1.33's: one IMAGE app for the OS disk, one VMTEMPLATE app per role whose
 * `disks` names that image app, and one SERVICE_TEMPLATE app whose `roles` name the VMTEMPLATE
 * apps. `onemarketapp export` creates the image, then each template with `DISK = [IMAGE_ID]`
 * appended, then the service template with each role's `vm_template` set to the new template's
 * id (marketplaceapp_ext.rb); OneFlow takes `vm_template` as the role's template_id. So the VM
 * templates go without their image disk — and without its SIZE: imported this way the OS disk
 * has the image's virtual size. The storage role's volatile disk stays in its template (it is
 * no image); the first OS image still gets the first target (vda), the volatile one vdb.
 */
import { createHash } from "node:crypto";
import { Document } from "yaml";
import { ROLES, type Role } from "../../params/types.js";
import type { ImageManifest } from "./manifest.js";
import type { ExportNames } from "./names.js";
import type { RoleTemplates } from "./vm-templates.js";

/** Apps are offered only to the OpenNebula versions listed; the service template is 7.x's form. */
export const OPENNEBULA_VERSIONS = "7.0, 7.2, 7.4";

/** Namespace of the apps' ids: the same name always gets the same id (RFC 9562 version 5). */
const APP_ID_NAMESPACE = "11c01e5c-b0a6-4803-aa07-c468bd046f97";

export function appId(name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(APP_ID_NAMESPACE.replaceAll("-", ""), "hex"))
    .update(name)
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface MarketplaceInput {
  readonly version: string;
  readonly names: ExportNames;
  readonly manifest: ImageManifest;
  readonly url: string;
  readonly templates: RoleTemplates;
  readonly service: object;
  /** Epoch seconds, when the manifest does not say when the image was built. */
  readonly now: number;
}

/** Ruby's YAML is 1.1: YES/NO and the like must come out quoted to stay strings. */
function yamlText(value: unknown): string {
  return `---\n${new Document(value, { version: "1.1" }).toString({ lineWidth: 0, indentSeq: false })}`;
}

function common(input: MarketplaceInput, name: string, short: string, long: string) {
  const created = input.manifest.created;
  return {
    id: appId(name),
    name,
    version: input.version,
    publisher: "onekube",
    description: `${long}\n\nSee onekube's README, "Deploy on OpenNebula".`,
    short_description: short,
    tags: ["kubernetes", "service", "debian"],
    format: "qcow2",
    creation_time: created === undefined ? input.now : Math.floor(Date.parse(created) / 1000),
    "os-id": "Debian",
    "os-release": `${input.manifest.debian.release} (${input.manifest.debian.codename})`,
    "os-arch": "x86_64",
    hypervisor: "KVM",
    opennebula_version: OPENNEBULA_VERSIONS,
    logo: "kubernetes.png",
  };
}

/** A VM template as the marketplace holds it: no name, no image disk, top-level keys lower-case. */
function appTemplate(template: RoleTemplates[Role]): Record<string, unknown> {
  const { NAME: _name, DISK, ...rest } = template;
  const volatile = DISK.filter((d) => !("IMAGE" in d) && !("IMAGE_ID" in d));
  const attributes = { ...rest, ...(volatile.length > 0 ? { DISK: volatile } : {}) };
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k.toLowerCase(), v]));
}

/** File name (under marketplace/) → YAML text. */
export function marketplaceApps(input: MarketplaceInput): Record<string, string> {
  const { names, manifest } = input;
  const base = `onekube-${input.version}`;
  const files: Record<string, string> = {};
  files[`${base}-os-disk.yaml`] = yamlText({
    ...common(
      input,
      names.app.image,
      `onekube ${input.version} OS disk`,
      `The OS disk of every VM of the onekube ${input.version} Kubernetes service.`,
    ),
    type: "IMAGE",
    images: [
      {
        name: names.image,
        url: input.url,
        type: "OS",
        dev_prefix: "vd",
        driver: "qcow2",
        size: manifest.virtualSize,
        checksum: { md5: manifest.md5, sha256: manifest.sha256 },
      },
    ],
  });
  for (const role of ROLES)
    files[`${base}-${role}.yaml`] = yamlText({
      ...common(
        input,
        names.app.vm(role),
        `onekube ${input.version} VM template for the ${role} role`,
        `The VM template of the ${role} role of the onekube ${input.version} Kubernetes service.`,
      ),
      type: "VMTEMPLATE",
      opennebula_template: appTemplate(input.templates[role]),
      disks: [names.app.image],
      images: [],
    });
  files[`${base}-service.yaml`] = yamlText({
    ...common(
      input,
      names.app.service,
      "Highly-available Kubernetes (vnf, master, worker, storage) orchestrated by OneFlow",
      `Highly-available Kubernetes ${input.version}: a keepalived pair holding the control-plane endpoint, three kubeadm masters, workers and Longhorn storage nodes, deployed in order by OneFlow and coordinated through OneGate.\n\nRequires OneFlow and OneGate.`,
    ),
    type: "SERVICE_TEMPLATE",
    roles: Object.fromEntries(ROLES.map((role) => [role, names.app.vm(role)])),
    opennebula_template: input.service,
    images: [],
  });
  return files;
}
