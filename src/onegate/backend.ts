/**
 * The port the embedded OneGate server needs from the cloud behind it: the core's view of VMs
 * and users, and OneFlow's view of services. Kept to what OneGate's routes really ask for, so
 * that the in-memory double, the embedded OneFlow and (one day) a proxy to a real OpenNebula
 * can all stand behind the same server. Every method may answer synchronously or with a promise.
 */

export type Awaitable<T> = T | Promise<T>;

/**
 * A USER_TEMPLATE value as OpenNebula's XML→JSON conversion gives it: a string, a vector
 * attribute as an object, or an attribute present several times as an array.
 */
export type TemplateValue = string | { readonly [name: string]: TemplateValue } | readonly TemplateValue[];

/** One NIC (or NIC alias) of a VM: every value is a string, as in OpenNebula's VM document. */
export type NicRecord = Readonly<Record<string, string>>;

export interface VmRecord {
  readonly id: number;
  readonly name: string;
  /** Start time, epoch seconds: half of what the VM's token encrypts. */
  readonly stime: number;
  /** The owner; OneGate checks the token with this user's TOKEN_PASSWORD (CREATED_BY upstream). */
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  /** OpenNebula VM state (3 = ACTIVE) and LCM state (3 = RUNNING). */
  readonly state: number;
  readonly lcmState: number;
  readonly userTemplate: Readonly<Record<string, TemplateValue>>;
  readonly nics: readonly NicRecord[];
  readonly nicAliases?: readonly NicRecord[];
  /** The CONTEXT section; only the unfiltered (`extended`) service view shows it. */
  readonly context?: Readonly<Record<string, string>>;
}

export interface ServiceNodeRecord {
  /** The VM's id: OneFlow calls it deploy_id. */
  readonly deployId: number;
}

export interface ServiceRoleRecord {
  readonly name: string;
  readonly cardinality: number;
  /** Role state 0–11 (2 = RUNNING). */
  readonly state: number;
  /** Oldest first, as OneFlow keeps them. */
  readonly nodes: readonly ServiceNodeRecord[];
}

export interface ServiceRecord {
  readonly id: number;
  readonly name: string;
  /** Service state 0–15 (2 = RUNNING). */
  readonly state: number;
  /** Absent only for a broken document; OneGate then answers "Service <id> is empty.". */
  readonly roles?: readonly ServiceRoleRecord[];
}

/** A scale refused by OneFlow; OneGate logs the reason and answers 400 with its own text. */
export class ScaleRefused extends Error {
  override readonly name = "ScaleRefused";
}

export interface OneGateBackend {
  /** The VM as the core knows it, or undefined (OneGate then answers 401 or 404). */
  vm(id: number): Awaitable<VmRecord | undefined>;
  /** Merges into USER_TEMPLATE: each name given replaces every attribute of that name. */
  updateUserTemplate(id: number, set: Readonly<Record<string, string>>): Awaitable<void>;
  /** Removes the attribute named exactly so; false when there was none. */
  eraseUserTemplate(id: number, name: string): Awaitable<boolean>;
  /** The service as OneFlow returns it; undefined when OneFlow cannot (unknown or unreachable). */
  service(id: number): Awaitable<ServiceRecord | undefined>;
  /** OneFlow's POST /service/:id/scale without force; rejects (ScaleRefused) when OneFlow refuses. */
  scaleRole(serviceId: number, role: string, cardinality: string | number): Promise<void>;
  /** The TOKEN_PASSWORD of a user's template, or undefined when the user or attribute is missing. */
  tokenPassword(uid: number): Awaitable<string | undefined>;
}
