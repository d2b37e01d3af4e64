/**
 * An in-memory cloud behind OneGate: VMs, services and users' TOKEN_PASSWORDs in maps. Unit
 * tests use it directly; the embedded OneFlow can keep its state here. Scaling applies
 * OneFlow's refusals (state, role, unchanged cardinality) and then only records the new
 * cardinality and the SCALING state: creating or removing VMs is the engine's job (`onScale`).
 */
import type { OneGateBackend, ServiceRecord, ServiceRoleRecord, TemplateValue, VmRecord } from "./backend.js";
import { ScaleRefused } from "./backend.js";
import { makeToken, newTokenPassword } from "./token.js";

export interface ScaleRequest {
  readonly serviceId: number;
  readonly role: string;
  readonly cardinality: number;
}

/** OneFlow's service state names, by number (reference §3.6). */
const SERVICE_STATES = (
  "PENDING DEPLOYING RUNNING UNDEPLOYING WARNING DONE FAILED_UNDEPLOYING FAILED_DEPLOYING SCALING " +
  "FAILED_SCALING COOLDOWN DEPLOYING_NETS UNDEPLOYING_NETS FAILED_DEPLOYING_NETS FAILED_UNDEPLOYING_NETS HOLD"
).split(" ");
const RUNNING = 2;
const SCALING = 8;

export class MemoryBackend implements OneGateBackend {
  readonly #vms = new Map<number, VmRecord>();
  readonly #services = new Map<number, ServiceRecord>();
  readonly #passwords = new Map<number, string>();
  /** Every accepted scale, in order. */
  readonly scaleRequests: ScaleRequest[] = [];

  constructor(private readonly onScale?: (request: ScaleRequest) => void | Promise<void>) {}

  /** Stores (or replaces) a VM; its owner gets a TOKEN_PASSWORD if it had none. */
  putVm(vm: VmRecord): void {
    this.#vms.set(vm.id, structuredClone(vm));
    if (!this.#passwords.has(vm.uid)) this.#passwords.set(vm.uid, newTokenPassword());
  }

  removeVm(id: number): void {
    this.#vms.delete(id);
  }

  putService(service: ServiceRecord): void {
    this.#services.set(service.id, structuredClone(service));
  }

  removeService(id: number): void {
    this.#services.delete(id);
  }

  setTokenPassword(uid: number, password: string): void {
    this.#passwords.set(uid, password);
  }

  /** The content of the VM's token.txt (without the newline). */
  tokenFor(vmId: number): string {
    const vm = this.#vms.get(vmId);
    const password = vm && this.#passwords.get(vm.uid);
    if (vm === undefined || password === undefined)
      throw new Error(`no VM ${vmId} with an owner's TOKEN_PASSWORD`);
    return makeToken(password, vm.id, vm.stime);
  }

  vm(id: number): VmRecord | undefined {
    const vm = this.#vms.get(id);
    return vm && structuredClone(vm);
  }

  updateUserTemplate(id: number, set: Readonly<Record<string, string>>): void {
    const vm = this.#existing(id);
    this.#vms.set(id, { ...vm, userTemplate: { ...vm.userTemplate, ...set } });
  }

  eraseUserTemplate(id: number, name: string): boolean {
    const vm = this.#existing(id);
    if (!Object.hasOwn(vm.userTemplate, name)) return false;
    const userTemplate: Record<string, TemplateValue> = { ...vm.userTemplate };
    delete userTemplate[name];
    this.#vms.set(id, { ...vm, userTemplate });
    return true;
  }

  service(id: number): ServiceRecord | undefined {
    const service = this.#services.get(id);
    return service && structuredClone(service);
  }

  async scaleRole(serviceId: number, role: string, cardinality: string | number): Promise<void> {
    const service = this.#services.get(serviceId);
    if (service === undefined) throw new ScaleRefused(`Service ${serviceId} not found`);
    if (service.state !== RUNNING) {
      throw new ScaleRefused(
        `Service cannot be scaled in state: ${SERVICE_STATES[service.state] ?? service.state}`,
      );
    }
    const target = service.roles?.find((r) => r.name === role);
    if (target === undefined) throw new ScaleRefused(`Role ${role} not found`);
    const n =
      typeof cardinality === "number" ? cardinality : /^\d+$/.test(cardinality) ? Number(cardinality) : NaN;
    if (!Number.isSafeInteger(n) || n < 0)
      throw new ScaleRefused(`Invalid cardinality ${JSON.stringify(cardinality)}`);
    if (n === target.cardinality) throw new ScaleRefused(`Cardinality of ${role} is already at ${n}`);

    const roles = (service.roles ?? []).map(
      (r): ServiceRoleRecord => (r.name === role ? { ...r, cardinality: n, state: SCALING } : r),
    );
    this.#services.set(serviceId, { ...service, state: SCALING, roles });
    const request = { serviceId, role, cardinality: n };
    this.scaleRequests.push(request);
    await this.onScale?.(request);
  }

  tokenPassword(uid: number): string | undefined {
    return this.#passwords.get(uid);
  }

  #existing(id: number): VmRecord {
    const vm = this.#vms.get(id);
    if (vm === undefined) throw new Error(`VM ${id} does not exist`);
    return vm;
  }
}
