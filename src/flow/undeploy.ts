/**
 * Undeploy (reference §3.6, §3.7): UNDEPLOYING; under `straight` a role is shut down only when
 * no role that is not yet DONE lists it as a parent (children first, parents last), under
 * `none` all at once; each role UNDEPLOYING → DONE once its VMs are terminated; then
 * UNDEPLOYING_NETS and the service document is deleted. A VM the driver cannot remove makes the
 * role and the service FAILED_UNDEPLOYING (`recover` retries, `recover` with delete forces).
 */
import type { Ctx } from "./context.js";
import { refused } from "./errors.js";
import type { RoleBody, ServiceBody } from "./model.js";
import type { FlowVm, StoredService } from "./state.js";
import { canUndeploy, LcmState, RoleState, ServiceState, serviceStateName, VmState } from "./states.js";
import { destroyVm, dropNode } from "./vms.js";

const STOPPING: ReadonlySet<number> = new Set([
  RoleState.UNDEPLOYING,
  RoleState.DONE,
  RoleState.FAILED_UNDEPLOYING,
]);

/** Roles that may be shut down now. */
export function shutdownableRoles(body: ServiceBody): RoleBody[] {
  const candidates = body.roles.filter((r) => !STOPPING.has(r.state));
  if (body.deployment !== "straight") return candidates;
  const notDone = body.roles.filter((r) => r.state !== RoleState.DONE);
  return candidates.filter((role) => !notDone.some((other) => (other.parents ?? []).includes(role.name)));
}

export function undeploy(ctx: Ctx, service: StoredService): void {
  if (!canUndeploy(service.body.state))
    throw refused(`Service cannot be undeployed in state: ${serviceStateName(service.body.state)}`);
  ctx.timers.cancelService(service.id);
  ctx.state.setServiceState(service, ServiceState.UNDEPLOYING);
  shutdownNext(ctx, service);
}

export function shutdownNext(ctx: Ctx, service: StoredService): void {
  if (service.body.state !== ServiceState.UNDEPLOYING) return;
  for (const role of shutdownableRoles(service.body))
    if (!STOPPING.has(role.state)) shutdownRole(ctx, service, role);
  if (
    service.body.state === ServiceState.UNDEPLOYING &&
    service.body.roles.every((r) => r.state === RoleState.DONE)
  )
    deleteService(ctx, service);
  ctx.changed();
}

function shutdownRole(ctx: Ctx, service: StoredService, role: RoleBody): void {
  ctx.state.setRoleState(service, role, RoleState.UNDEPLOYING);
  const vms = role.nodes.map((n) => ctx.state.vms.get(n.deploy_id)).filter((vm) => vm !== undefined);
  if (vms.length === 0) {
    roleDone(ctx, service, role, []);
    return;
  }
  const work = Promise.allSettled(
    vms.map(async (vm) => {
      await destroyVm(ctx, vm);
      dropNode(role, vm.id);
    }),
  ).then((results) =>
    roleDone(
      ctx,
      service,
      role,
      results.flatMap((r) => (r.status === "rejected" ? [String(r.reason?.message ?? r.reason)] : [])),
    ),
  );
  ctx.track(work);
}

function roleDone(ctx: Ctx, service: StoredService, role: RoleBody, errors: readonly string[]): void {
  if (ctx.state.services.get(service.id) !== service || role.state !== RoleState.UNDEPLOYING) return;
  if (errors.length > 0) {
    ctx.state.log(service, "E", `Role ${role.name} : ${errors.join("; ")}`);
    ctx.state.setRoleState(service, role, RoleState.FAILED_UNDEPLOYING);
    ctx.state.setServiceState(service, ServiceState.FAILED_UNDEPLOYING);
    ctx.changed();
  } else {
    ctx.state.setRoleState(service, role, RoleState.DONE);
    shutdownNext(ctx, service);
  }
}

function deleteService(ctx: Ctx, service: StoredService): void {
  ctx.state.setServiceState(service, ServiceState.UNDEPLOYING_NETS);
  ctx.timers.cancelService(service.id);
  ctx.state.services.delete(service.id);
  ctx.changed();
}

/** `recover` with `delete: true`: terminate whatever is left, ignoring errors, and delete. */
export function forceDelete(ctx: Ctx, service: StoredService): void {
  ctx.timers.cancelService(service.id);
  ctx.state.setServiceState(service, ServiceState.UNDEPLOYING);
  const vms = service.body.roles
    .flatMap((r) => r.nodes.map((n) => ctx.state.vms.get(n.deploy_id)))
    .filter((vm): vm is FlowVm => vm !== undefined && vm.state !== VmState.DONE);
  const work = Promise.allSettled(
    vms.map((vm) =>
      destroyVm(ctx, vm).catch((error: unknown) => {
        ctx.settings.log(`[flow] service ${service.id}: forced delete ignores: ${String(error)}`);
        ctx.state.vmTransition(vm, VmState.DONE, LcmState.LCM_INIT, "DONE");
      }),
    ),
  ).then(() => {
    if (ctx.state.services.get(service.id) !== service) return;
    for (const role of service.body.roles) ctx.state.setRoleState(service, role, RoleState.DONE);
    deleteService(ctx, service);
  });
  ctx.track(work);
}
