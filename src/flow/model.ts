/**
 * OneFlow's data as it travels (reference §3.2, §3.3, §3.12): service templates, services and
 * their roles are JSON bodies inside OpenNebula "documents". Inside BODY the JSON types are kept
 * (state, cardinality and deploy_id are integers); the outer document fields come from XML and
 * are all strings. Unknown template keys are allowed and kept, hence the open index signatures.
 */

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type Deployment = "none" | "straight";
export type ShutdownAction = "terminate" | "terminate-hard" | "shutdown" | "shutdown-hard";

/** A role as the (validated) template declares it. */
export interface RoleTemplate {
  name: string;
  type: "vm";
  template_id: number;
  cardinality: number;
  parents?: string[];
  min_vms?: number;
  max_vms?: number;
  cooldown?: number;
  shutdown_action?: ShutdownAction;
  on_hold?: boolean;
  user_inputs?: Record<string, string>;
  user_inputs_values?: Record<string, string>;
  template_contents?: JsonObject;
  [extra: string]: unknown;
}

/** A service template body after validation and defaults. */
export interface TemplateBody {
  name: string;
  deployment: Deployment;
  description: string;
  roles: RoleTemplate[];
  shutdown_action?: ShutdownAction;
  user_inputs?: Record<string, string>;
  user_inputs_values?: Record<string, string>;
  ready_status_gate?: boolean;
  automatic_deletion?: boolean;
  networks?: Record<string, string>;
  networks_values?: JsonObject[];
  on_hold?: boolean;
  /** Set by the server when the template is registered (epoch seconds). */
  registration_time?: number;
  [extra: string]: unknown;
}

/** What OneFlow stores per VM of a role: the VM id and a few owner fields, all strings. */
export interface NodeBody {
  deploy_id: number;
  vm_info: { VM: { ID: string; UID: string; GID: string; UNAME: string; GNAME: string; NAME: string } };
}

export interface RoleBody extends RoleTemplate {
  state: number;
  cooldown: number;
  on_hold: boolean;
  /** The next VM_NUMBER of this role; never goes down, so names are never reused. */
  last_vmname: number;
  /** Oldest first. */
  nodes: NodeBody[];
}

export type Severity = "I" | "E" | "W" | "D";

export interface LogEntry {
  timestamp: number;
  severity: Severity;
  message: string;
}

export interface ServiceBody extends TemplateBody {
  state: number;
  start_time: number;
  roles: RoleBody[];
  log: LogEntry[];
}

/** Who owns a document or a VM. */
export interface Owner {
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
}

export const ONEADMIN: Owner = { uid: 0, gid: 0, uname: "oneadmin", gname: "oneadmin" };

export const DocumentType = { SERVICE: 100, TEMPLATE: 101 } as const;

export type Permissions = Record<
  "OWNER_U" | "OWNER_M" | "OWNER_A" | "GROUP_U" | "GROUP_M" | "GROUP_A" | "OTHER_U" | "OTHER_M" | "OTHER_A",
  string
>;

/** OpenNebula's default umask gives the owner use and manage rights only. */
export const DEFAULT_PERMISSIONS: Permissions = {
  OWNER_U: "1",
  OWNER_M: "1",
  OWNER_A: "0",
  GROUP_U: "0",
  GROUP_M: "0",
  GROUP_A: "0",
  OTHER_U: "0",
  OTHER_M: "0",
  OTHER_A: "0",
};

export interface Document<B> {
  DOCUMENT: {
    ID: string;
    UID: string;
    GID: string;
    UNAME: string;
    GNAME: string;
    NAME: string;
    TYPE: string;
    PERMISSIONS: Permissions;
    TEMPLATE: { BODY: B };
  };
}

export type TemplateDocument = Document<TemplateBody>;
export type ServiceDocument = Document<ServiceBody>;

/** A pool: DOCUMENT is always an array; an empty pool has no DOCUMENT key (as upstream's XML). */
export interface DocumentPool<B> {
  DOCUMENT_POOL: { DOCUMENT?: Document<B>["DOCUMENT"][] };
}

export function documentOf<B>(
  id: number,
  type: number,
  owner: Owner,
  body: B & { name: string },
): Document<B> {
  return {
    DOCUMENT: {
      ID: String(id),
      UID: String(owner.uid),
      GID: String(owner.gid),
      UNAME: owner.uname,
      GNAME: owner.gname,
      NAME: body.name,
      TYPE: String(type),
      PERMISSIONS: { ...DEFAULT_PERMISSIONS },
      TEMPLATE: { BODY: body },
    },
  };
}

export function poolOf<B>(documents: readonly Document<B>[]): DocumentPool<B> {
  if (documents.length === 0) return { DOCUMENT_POOL: {} };
  return { DOCUMENT_POOL: { DOCUMENT: documents.map((d) => d.DOCUMENT) } };
}

/** OneFlow keeps the last 50 log entries of a service. */
export const LOG_LIMIT = 50;

export function appendLog(body: ServiceBody, entry: LogEntry): void {
  body.log.push(entry);
  if (body.log.length > LOG_LIMIT) body.log.splice(0, body.log.length - LOG_LIMIT);
}
