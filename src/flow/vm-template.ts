/**
 * What OpenNebula's core does when OneFlow instantiates a VM template for a role (reference
 * §3.9, §2.1, §2.4): the VM template is deep-merged with the role's `template_contents`
 * (CONTEXT keys add to the template's CONTEXT), SERVICE_ID and ROLE_NAME are added, `$NAME`
 * references in CONTEXT are resolved, TOKEN=YES adds ONEGATE_ENDPOINT and VMID, and every
 * attribute that is not a system one (CPU, DISK, NIC, CONTEXT, ...) becomes the USER_TEMPLATE.
 */
import { deepMerge } from "./merge.js";
import type { Json, JsonObject, Owner } from "./model.js";

/** A USER_TEMPLATE value as OpenNebula's XML→JSON gives it: strings, vectors as objects. */
export type TemplateValue = string | { readonly [name: string]: TemplateValue } | readonly TemplateValue[];

/** An OpenNebula VM template written as JSON (what `vmTemplate()` in src/service returns). */
export type VmTemplate = { readonly [key: string]: Json };

export interface BuiltVm {
  readonly userTemplate: Record<string, TemplateValue>;
  readonly context: Record<string, string>;
  /** The extra, unformatted disk (a DISK with SIZE and no IMAGE), if the template has one. */
  readonly diskMb?: number;
}

export interface BuildInputs {
  readonly vmId: number;
  readonly serviceId: number;
  readonly role: string;
  readonly owner: Owner;
  /** The owner's user template, for `$USER[NAME]` (e.g. SSH_PUBLIC_KEY). */
  readonly user: Readonly<Record<string, string>>;
  readonly onegateEndpoint: string | undefined;
}

/** Attributes the core keeps in the VM's TEMPLATE; everything else is USER_TEMPLATE. */
const SYSTEM = new Set(
  (
    "NAME CPU VCPU MEMORY DISK NIC NIC_ALIAS NIC_DEFAULT CONTEXT GRAPHICS OS FEATURES INPUT RAW PCI " +
    "TOPOLOGY NUMA_NODE VMGROUP CPU_MODEL VIDEO IOTHREADS SCHED_ACTION TM_MAD_SYSTEM MEMORY_RESIZE_MODE"
  ).split(" "),
);

function toValue(value: Json): TemplateValue | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(toValue).filter((v) => v !== undefined);
  if (typeof value === "object") {
    const out: Record<string, TemplateValue> = {};
    for (const [k, v] of Object.entries(value)) {
      const converted = toValue(v);
      if (converted !== undefined) out[k] = converted;
    }
    return out;
  }
  return typeof value === "boolean" ? (value ? "YES" : "NO") : String(value);
}

function resolve(text: string, merged: JsonObject, inputs: BuildInputs): string {
  const special: Record<string, string> = {
    VMID: String(inputs.vmId),
    UID: String(inputs.owner.uid),
    GID: String(inputs.owner.gid),
    UNAME: inputs.owner.uname,
    GNAME: inputs.owner.gname,
  };
  return text.replace(/\$(\w+)(?:\[(\w+)\])?/g, (whole, name: string, attr: string | undefined) => {
    if (attr !== undefined) return name === "USER" ? (inputs.user[attr] ?? "") : whole;
    const value = merged[name];
    if (typeof value === "string" || typeof value === "number") return String(value);
    // The core replaces an unknown variable with nothing.
    return special[name] ?? "";
  });
}

function extraDiskMb(disks: Json | undefined): number | undefined {
  const list = Array.isArray(disks) ? disks : disks === undefined ? [] : [disks];
  for (const disk of list) {
    if (typeof disk !== "object" || disk === null || Array.isArray(disk)) continue;
    const d = disk as { readonly [k: string]: Json };
    if (d.SIZE !== undefined && d.IMAGE === undefined && d.IMAGE_ID === undefined) return Number(d.SIZE);
  }
  return undefined;
}

export function buildVm(base: VmTemplate, contents: JsonObject | undefined, inputs: BuildInputs): BuiltVm {
  const merged = deepMerge(base, contents ?? {}) as JsonObject;
  merged.SERVICE_ID = String(inputs.serviceId);
  merged.ROLE_NAME = inputs.role;

  const context: Record<string, string> = {};
  const rawContext = merged.CONTEXT;
  if (typeof rawContext === "object" && rawContext !== null && !Array.isArray(rawContext))
    for (const [key, value] of Object.entries(rawContext as JsonObject))
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
        context[key] = resolve(String(value), merged, inputs);
  if (context.TOKEN?.toUpperCase() === "YES") {
    if (inputs.onegateEndpoint !== undefined) context.ONEGATE_ENDPOINT = inputs.onegateEndpoint;
    context.VMID = String(inputs.vmId);
  }

  const userTemplate: Record<string, TemplateValue> = {};
  for (const [key, value] of Object.entries(merged)) {
    if (SYSTEM.has(key)) continue;
    const converted = toValue(value);
    if (converted !== undefined) userTemplate[key] = converted;
  }
  const diskMb = extraDiskMb(merged.DISK);
  return { userTemplate, context, ...(diskMb !== undefined && Number.isFinite(diskMb) ? { diskMb } : {}) };
}
