/**
 * What the client gives the agent: OneGate's documents, checked against the wire schemas and
 * turned into typed values with numbers where OneGate sends decimal strings.
 */
import type { z } from "zod";
import type { CloudError } from "../errors.js";
import type { TemplateValue } from "./backend.js";
import { type NicDocument, type NodeVm, ServiceDocumentSchema, VmDocumentSchema } from "./protocol.js";

export interface OneGateVm {
  readonly id: number;
  readonly name: string;
  readonly state: number;
  readonly lcmState: number;
  readonly userTemplate: Readonly<Record<string, TemplateValue>>;
  readonly nics: readonly NicDocument[];
  readonly nicAliases: readonly NicDocument[];
}

export interface OneGateNode {
  readonly deployId: number;
  readonly running: boolean | null;
  /** ID, UID, GID, UNAME, GNAME, NAME; the whole VM document when asked `extended`. */
  readonly vmInfo: NodeVm;
}

export interface OneGateRole {
  readonly name: string;
  readonly cardinality: number;
  readonly state: number;
  readonly nodes: readonly OneGateNode[];
}

export interface OneGateService {
  readonly id: number;
  readonly name: string;
  readonly state: number;
  readonly roles: readonly OneGateRole[];
}

/** A string attribute of a VM's USER_TEMPLATE; undefined when absent or not a plain string. */
export function attribute(vm: OneGateVm, name: string): string | undefined {
  const value = vm.userTemplate[name];
  return typeof value === "string" ? value : undefined;
}

type Invalid = (detail: string) => CloudError;

function parse<S extends z.ZodType>(schema: S, text: string, invalid: Invalid): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid("not JSON");
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw invalid(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  return result.data;
}

export function toVm(text: string, invalid: Invalid): OneGateVm {
  const { VM } = parse(VmDocumentSchema, text, invalid);
  return {
    id: Number(VM.ID),
    name: VM.NAME,
    state: Number(VM.STATE),
    lcmState: Number(VM.LCM_STATE),
    userTemplate: VM.USER_TEMPLATE,
    nics: VM.TEMPLATE.NIC,
    nicAliases: VM.TEMPLATE.NIC_ALIAS,
  };
}

export function toService(text: string, invalid: Invalid): OneGateService {
  const { SERVICE } = parse(ServiceDocumentSchema, text, invalid);
  return {
    id: Number(SERVICE.id),
    name: SERVICE.name,
    state: SERVICE.state,
    roles: SERVICE.roles.map((role) => ({
      name: role.name,
      cardinality: role.cardinality,
      state: role.state,
      nodes: role.nodes.map((node) => ({
        deployId: node.deploy_id,
        running: node.running,
        vmInfo: node.vm_info.VM,
      })),
    })),
  };
}
