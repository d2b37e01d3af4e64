/**
 * The embedded OneFlow: service templates, services and their VMs, driven through the VmDriver
 * port. This class is the facade: it resolves options, wires the parts (deploy, scale,
 * undeploy, recover, VM operations) to one shared context, and answers in OneFlow's document
 * shapes. Refusals are FlowErrors with upstream's status and text. Long operations run in the
 * background; `idle()` waits for them, `onChange` reports every change (to persist `snapshot()`).
 */
import { systemClock } from "./clock.js";
import { type Ctx, Timers } from "./context.js";
import { checkRole, readyReported, startDeploy } from "./deploy.js";
import { documentNotFound, vmNotFound } from "./errors.js";
import { instantiateBody } from "./instantiate.js";
import {
  DocumentType,
  documentOf,
  ONEADMIN,
  type Owner,
  type ServiceDocument,
  type TemplateDocument,
} from "./model.js";
import { type FlowEngineOptions, settingsOf } from "./options.js";
import { recover } from "./recover.js";
import { restoreTimers } from "./restore.js";
import { scale } from "./scale.js";
import { validateTemplate } from "./schema.js";
import { type FlowSnapshot, FlowState, type FlowVm, type StoredService, type Transition } from "./state.js";
import { RoleState } from "./states.js";
import { undeploy } from "./undeploy.js";
import { agentExited } from "./vms.js";
import { watch } from "./watchdog.js";

export type { FlowEngineOptions } from "./options.js";
export type VmRecord = Readonly<FlowVm>;
/** What changed; `state` when a background step moved some service or VM. */
export type FlowChange =
  | { readonly kind: "template" | "service" | "vm"; readonly id: number }
  | { readonly kind: "state" };

export class FlowEngine {
  readonly #state: FlowState;
  readonly #ctx: Ctx;
  readonly #inflight = new Set<Promise<void>>();
  readonly #listeners = new Set<(change: FlowChange) => void>();
  #closed = false;

  constructor(options: FlowEngineOptions, snapshot?: FlowSnapshot) {
    const clock = options.clock ?? systemClock;
    const settings = settingsOf(options);
    this.#state = new FlowState(clock);
    if (snapshot) this.#state.load(snapshot);
    this.#ctx = {
      state: this.#state,
      driver: options.driver,
      timers: new Timers(clock),
      settings,
      track: (work) => this.#track(work),
      changed: () => this.#emit({ kind: "state" }),
      vmChanged: (service, vm) => this.#vmChanged(service, vm, true),
    };
    options.driver.onExit((exit) => {
      if (!this.#closed) agentExited(this.#ctx, exit);
    });
    if (snapshot)
      restoreTimers(this.#ctx, (s) => this.#track(Promise.resolve().then(() => startDeploy(this.#ctx, s))));
  }

  /** An engine that continues from a snapshot: timers re-armed, PENDING services started. */
  static restore(snapshot: FlowSnapshot, options: FlowEngineOptions): FlowEngine {
    return new FlowEngine(options, snapshot);
  }

  createTemplate(input: unknown, owner: Owner = ONEADMIN): TemplateDocument {
    const body = validateTemplate(input);
    body.registration_time = this.#state.nowSeconds();
    const id = this.#state.nextDocumentId++;
    this.#state.templates.set(id, { id, owner, body });
    this.#emit({ kind: "template", id });
    return this.template(id) as TemplateDocument;
  }

  template(id: number): TemplateDocument | undefined {
    const t = this.#state.templates.get(id);
    return t && structuredClone(documentOf(t.id, DocumentType.TEMPLATE, t.owner, t.body));
  }

  templates(): TemplateDocument[] {
    return [...this.#state.templates.keys()]
      .sort((a, b) => a - b)
      .map((id) => this.template(id) as TemplateDocument);
  }

  deleteTemplate(id: number): void {
    if (!this.#state.templates.delete(id)) throw documentNotFound(id);
    this.#emit({ kind: "template", id });
  }

  /** 201 upstream: the service is returned PENDING; deployment continues in the background. */
  instantiate(templateId: number, mergeTemplate?: unknown, owner?: Owner): ServiceDocument {
    const template = this.#state.templates.get(templateId);
    if (template === undefined) throw documentNotFound(templateId);
    const body = instantiateBody(
      template.body,
      mergeTemplate,
      this.#ctx.settings.defaultCooldown,
      this.#state.nowSeconds(),
    );
    const id = this.#state.nextDocumentId++;
    const service: StoredService = { id, owner: owner ?? template.owner, body, runtime: {} };
    this.#state.services.set(id, service);
    this.#emit({ kind: "service", id });
    this.#track(Promise.resolve().then(() => startDeploy(this.#ctx, service)));
    return this.service(id) as ServiceDocument;
  }

  service(id: number): ServiceDocument | undefined {
    const s = this.#state.services.get(id);
    return s && structuredClone(documentOf(s.id, DocumentType.SERVICE, s.owner, s.body));
  }

  services(): ServiceDocument[] {
    return [...this.#state.services.keys()]
      .sort((a, b) => a - b)
      .map((id) => this.service(id) as ServiceDocument);
  }

  /** Each role's state transitions, oldest first; undefined once the service is deleted. */
  history(serviceId: number): Record<string, Transition[]> | undefined {
    const s = this.#state.services.get(serviceId);
    return (
      s && structuredClone(Object.fromEntries(Object.entries(s.runtime).map(([r, rt]) => [r, rt.history])))
    );
  }

  scale(serviceId: number, role: string, cardinality: number | string, force = false): void {
    scale(this.#ctx, this.#service(serviceId), role, cardinality, force);
  }

  undeploy(serviceId: number): void {
    undeploy(this.#ctx, this.#service(serviceId));
  }

  recover(serviceId: number, options: { readonly delete?: boolean } = {}): void {
    recover(this.#ctx, this.#service(serviceId), options);
  }

  vm(id: number): VmRecord | undefined {
    const vm = this.#state.vms.get(id);
    return vm && structuredClone(vm);
  }

  vms(): VmRecord[] {
    return [...this.#state.vms.values()].map((vm) => structuredClone(vm));
  }

  /** OneGate's PUT /vm lands here: each name given replaces every attribute of that name. */
  updateUserTemplate(vmId: number, attributes: Readonly<Record<string, string>>): void {
    const vm = this.#state.vms.get(vmId);
    if (vm === undefined) throw vmNotFound(vmId);
    const service = this.#state.services.get(vm.serviceId);
    const wasReady = readyReported(vm);
    Object.assign(vm.userTemplate, attributes);
    if (!wasReady && readyReported(vm)) vm.history.push(this.#state.stamp("READY"));
    if (service) this.#vmChanged(service, vm, false);
    else this.#emit({ kind: "vm", id: vmId });
  }

  /** OneGate's erase: false when the VM has no attribute of exactly that name. */
  eraseUserTemplate(vmId: number, name: string): boolean {
    const vm = this.#state.vms.get(vmId);
    if (vm === undefined) throw vmNotFound(vmId);
    if (!(name in vm.userTemplate)) return false;
    delete vm.userTemplate[name];
    this.#emit({ kind: "vm", id: vmId });
    return true;
  }

  onChange(listener: (change: FlowChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when no background work (driver calls, deploy steps) is left. */
  async idle(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  snapshot(): FlowSnapshot {
    return this.#state.snapshot();
  }

  /** Stops timers and ignores driver events from now on (the state stays readable). */
  close(): void {
    this.#closed = true;
    this.#ctx.timers.cancelAll();
  }

  #service(id: number): StoredService {
    const s = this.#state.services.get(id);
    if (s === undefined) throw documentNotFound(id);
    return s;
  }

  /** `stateChanged`: the VM's run state moved (a failure is news); else only its user template. */
  #vmChanged(service: StoredService, vm: FlowVm, stateChanged: boolean): void {
    const role = service.body.roles.find((r) => r.name === vm.role);
    // A VM of a deleted service (or one reported after close) has nothing left to decide.
    if (this.#state.services.get(service.id) === service && role !== undefined && !this.#closed) {
      const waiting = role.state === RoleState.DEPLOYING || role.state === RoleState.SCALING;
      const failedTheRole = waiting && checkRole(this.#ctx, service, role);
      if (stateChanged && !failedTheRole) watch(this.#ctx, service, role, vm);
    }
    this.#emit({ kind: "vm", id: vm.id });
  }

  #track(work: Promise<unknown>): void {
    const tracked: Promise<void> = work
      .then(
        () => {},
        (error: unknown) => this.#ctx.settings.log(`[flow] background work failed: ${String(error)}`),
      )
      .finally(() => this.#inflight.delete(tracked));
    this.#inflight.add(tracked);
  }

  #emit(change: FlowChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#ctx.settings.log(`[flow] change listener failed: ${String(error)}`);
      }
    }
  }
}
