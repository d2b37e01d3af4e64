/**
 * Which service a VM belongs to and which VMs it may see, as upstream decides it: the caller's
 * USER_TEMPLATE SERVICE_ID names the service, and a VM is "in" it when it is the deploy_id of a
 * node of any role. Each check throws the refusal OneGate gives, in upstream's order.
 */
import type { OneGateBackend, ServiceRecord, ServiceRoleRecord, VmRecord } from "./backend.js";
import {
  INVALID_SERVICE_ID,
  NOT_IN_SERVICE_OR_VROUTER,
  notInService,
  refuse,
  serviceEmpty,
  serviceNotFound,
  vmNotFound,
} from "./http-errors.js";

export type LoadedService = ServiceRecord & { readonly roles: readonly ServiceRoleRecord[] };

/** The caller's SERVICE_ID, which must be digits (400 otherwise). */
export function serviceIdOf(vm: VmRecord): number {
  const sid = vm.userTemplate.SERVICE_ID;
  if (typeof sid !== "string" || !/^\d+$/.test(sid)) refuse(400, INVALID_SERVICE_ID);
  return Number(sid);
}

/** The service OneFlow returns (404 when it cannot), with roles (400 when it has none). */
export async function loadService(backend: OneGateBackend, sid: number): Promise<LoadedService> {
  const service = await backend.service(sid);
  if (service === undefined) refuse(404, serviceNotFound(sid));
  const roles = service.roles;
  if (roles === undefined) refuse(400, serviceEmpty(sid));
  return { ...service, roles };
}

export function requireMember(service: LoadedService, vmId: number): void {
  const member = service.roles.some((role) => role.nodes.some((node) => node.deployId === vmId));
  if (!member) refuse(400, notInService(service.id, vmId));
}

/** A VM the core must know (404 with the core's message otherwise). */
export async function knownVm(backend: OneGateBackend, id: number): Promise<VmRecord> {
  const vm = await backend.vm(id);
  if (vm === undefined) refuse(404, vmNotFound(id));
  return vm;
}

/** GET/PUT /vms/:id: the caller itself, or a VM of the caller's service. */
export async function requestedVm(backend: OneGateBackend, caller: VmRecord, id: number): Promise<VmRecord> {
  if (id === caller.id) return caller;
  if (caller.userTemplate.SERVICE_ID === undefined) refuse(400, NOT_IN_SERVICE_OR_VROUTER);
  const sid = serviceIdOf(caller);
  requireMember(await loadService(backend, sid), id);
  return knownVm(backend, id);
}
