/**
 * OneFlow's watchdog, for VMs whose role is not waiting for the gate: while the service is
 * RUNNING (or cooling down), a VM that fails (here: its agent exited) puts its role and the
 * service in WARNING. Upstream watches only running services, so a failure during a deploy or a
 * scale is logged at once and turns into WARNING when the service reaches RUNNING (`sweep`).
 */
import type { Ctx } from "./context.js";
import type { RoleBody } from "./model.js";
import type { FlowVm, StoredService } from "./state.js";
import { isFailure, RoleState, ServiceState } from "./states.js";

const WATCHED_ROLES: readonly number[] = [RoleState.RUNNING, RoleState.COOLDOWN];
const WATCHED_SERVICES: readonly number[] = [
  ServiceState.RUNNING,
  ServiceState.COOLDOWN,
  ServiceState.WARNING,
];

function warn(ctx: Ctx, service: StoredService, role: RoleBody): void {
  ctx.state.setRoleState(service, role, RoleState.WARNING);
  if (service.body.state !== ServiceState.WARNING) ctx.state.setServiceState(service, ServiceState.WARNING);
}

/** A VM changed without failing a role that waited for it: a failure is logged, maybe warned. */
export function watch(ctx: Ctx, service: StoredService, role: RoleBody, vm: FlowVm): void {
  if (!isFailure(vm.state, vm.lcmState)) return;
  ctx.state.log(service, "E", `Role ${role.name} : ${vm.error ?? `VM ${vm.id} failed`}`);
  if (WATCHED_ROLES.includes(role.state) && WATCHED_SERVICES.includes(service.body.state))
    warn(ctx, service, role);
}

/** The service just became RUNNING: a VM that failed meanwhile now puts it in WARNING. */
export function sweep(ctx: Ctx, service: StoredService): void {
  for (const role of service.body.roles) {
    const failed = role.nodes.some((n) => {
      const vm = ctx.state.vms.get(n.deploy_id);
      return vm !== undefined && isFailure(vm.state, vm.lcmState);
    });
    if (failed && WATCHED_ROLES.includes(role.state)) warn(ctx, service, role);
  }
}
