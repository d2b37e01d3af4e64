/**
 * Everything the embedded OneFlow (and the piece of OpenNebula's core it needs) knows, as plain
 * JSON-able data: templates, services, VMs, id counters. Every transition is stamped with the
 * clock and a sequence number, so tests and `onekube status` can tell what happened in which
 * order even when two steps share a millisecond. Nothing here talks to a driver or a timer.
 */
import { type Clock, seconds } from "./clock.js";
import {
  appendLog,
  type Owner,
  type RoleBody,
  type ServiceBody,
  type Severity,
  type TemplateBody,
} from "./model.js";
import { roleStateName, serviceStateName } from "./states.js";
import type { TemplateValue } from "./vm-template.js";

export interface Transition {
  readonly state: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** Strictly increasing across the whole engine. */
  readonly seq: number;
}

/** Bookkeeping OneFlow does not show in the document, but needs to survive a restart. */
export interface RoleRuntime {
  history: Transition[];
  /** When the role's deploy (or scale-up) times out, ms since the epoch. */
  deadline?: number;
  cooldownUntil?: number;
  scaleWay?: "UP" | "DOWN";
  /** VM ids chosen to go in the current scale-down. */
  removing?: number[];
}

export interface StoredTemplate {
  id: number;
  owner: Owner;
  body: TemplateBody;
}

export interface StoredService {
  id: number;
  owner: Owner;
  body: ServiceBody;
  runtime: Record<string, RoleRuntime>;
}

export interface AgentExit {
  code: number | null;
  signal: string | null;
  logTail: string;
}

/** A VM as the core knows it; field names match OneGate's VmRecord so an adapter stays thin. */
export interface FlowVm {
  id: number;
  name: string;
  stime: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  state: number;
  lcmState: number;
  userTemplate: Record<string, TemplateValue>;
  context: Record<string, string>;
  nics: Record<string, string>[];
  serviceId: number;
  role: string;
  token: string;
  diskMb?: number;
  history: Transition[];
  /** Why the VM failed, in words (also logged in its service). */
  error?: string;
  exit?: AgentExit;
}

export interface FlowSnapshot {
  version: 1;
  nextDocumentId: number;
  nextVmId: number;
  seq: number;
  templates: StoredTemplate[];
  services: StoredService[];
  vms: FlowVm[];
}

export class FlowState {
  readonly templates = new Map<number, StoredTemplate>();
  readonly services = new Map<number, StoredService>();
  readonly vms = new Map<number, FlowVm>();
  /** Templates and services share OpenNebula's document id sequence. */
  nextDocumentId = 0;
  nextVmId = 0;
  #seq = 0;

  constructor(readonly clock: Clock) {}

  stamp(state: string): Transition {
    this.#seq += 1;
    return { state, at: this.clock.now(), seq: this.#seq };
  }

  nowSeconds(): number {
    return seconds(this.clock.now());
  }

  log(service: StoredService, severity: Severity, message: string): void {
    appendLog(service.body, { timestamp: this.nowSeconds(), severity, message });
  }

  setServiceState(service: StoredService, state: number): void {
    if (service.body.state === state) return;
    service.body.state = state;
    this.log(service, "I", `New state: ${serviceStateName(state)}`);
  }

  runtime(service: StoredService, role: string): RoleRuntime {
    service.runtime[role] ??= { history: [] };
    return service.runtime[role];
  }

  setRoleState(service: StoredService, role: RoleBody, state: number): void {
    if (role.state === state) return;
    role.state = state;
    this.runtime(service, role.name).history.push(this.stamp(roleStateName(state)));
  }

  vmTransition(vm: FlowVm, state: number, lcmState: number, label: string): void {
    vm.state = state;
    vm.lcmState = lcmState;
    vm.history.push(this.stamp(label));
  }

  snapshot(): FlowSnapshot {
    return structuredClone({
      version: 1 as const,
      nextDocumentId: this.nextDocumentId,
      nextVmId: this.nextVmId,
      seq: this.#seq,
      templates: [...this.templates.values()],
      services: [...this.services.values()],
      vms: [...this.vms.values()],
    });
  }

  load(snapshot: FlowSnapshot): void {
    const copy = structuredClone(snapshot);
    this.nextDocumentId = copy.nextDocumentId;
    this.nextVmId = copy.nextVmId;
    this.#seq = copy.seq;
    for (const t of copy.templates) this.templates.set(t.id, t);
    for (const s of copy.services) this.services.set(s.id, s);
    for (const v of copy.vms) this.vms.set(v.id, v);
  }
}
