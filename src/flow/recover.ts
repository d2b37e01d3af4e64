/**
 * `recover` (upstream `recover_action`): retries what failed, by the state the service is in.
 * A failed deploy or scale-up replaces each VM in a `*_FAILURE` state by a new one (upstream
 * retries the same VM; here a VM is a process tree that is simpler to start afresh, and a new id
 * keeps ids never reused) and waits again with a fresh deadline; a failed scale-down or undeploy
 * retries the terminations; COOLDOWN ends at once; `delete: true` forces the deletion.
 */
import type { Ctx } from "./context.js";
import { deployNext, deployRole, startDeploy } from "./deploy.js";
import { refused } from "./errors.js";
import type { RoleBody } from "./model.js";
import { endCooldown, removeChosen } from "./scale.js";
import type { StoredService } from "./state.js";
import { isFailure, RoleState, ServiceState, serviceStateName } from "./states.js";
import { forceDelete, shutdownNext } from "./undeploy.js";
import { destroyVm, dropNode } from "./vms.js";

type Retry = (ctx: Ctx, service: StoredService) => void;

const rolesIn = (service: StoredService, ...states: number[]) =>
  service.body.roles.filter((r) => states.includes(r.state));

const retryDeploy: Retry = (ctx, service) => {
  ctx.state.setServiceState(service, ServiceState.DEPLOYING);
  for (const role of rolesIn(service, RoleState.FAILED_DEPLOYING, RoleState.DEPLOYING))
    retryRole(ctx, service, role, RoleState.DEPLOYING);
  deployNext(ctx, service);
};

const retryScale: Retry = (ctx, service) => {
  ctx.state.setServiceState(service, ServiceState.SCALING);
  for (const role of rolesIn(service, RoleState.FAILED_SCALING, RoleState.SCALING)) {
    if (service.runtime[role.name]?.scaleWay === "UP") retryRole(ctx, service, role, RoleState.SCALING);
    else {
      ctx.state.setRoleState(service, role, RoleState.SCALING);
      ctx.track(removeChosen(ctx, service, role));
    }
  }
  ctx.changed();
};

const retryUndeploy: Retry = (ctx, service) => {
  // Upstream puts failed roles back to RUNNING so that the shutdown rule picks them again.
  for (const role of rolesIn(service, RoleState.FAILED_UNDEPLOYING))
    ctx.state.setRoleState(service, role, RoleState.RUNNING);
  ctx.state.setServiceState(service, ServiceState.UNDEPLOYING);
  shutdownNext(ctx, service);
};

const endCooldowns: Retry = (ctx, service) => {
  for (const role of rolesIn(service, RoleState.COOLDOWN)) endCooldown(ctx, service, role.name);
  ctx.state.setServiceState(service, ServiceState.RUNNING);
  ctx.changed();
};

/** Upstream's order of `can_recover_*` checks, by service state. */
const BY_STATE = new Map<number, Retry>([
  [ServiceState.PENDING, startDeploy],
  [ServiceState.DEPLOYING, retryDeploy],
  [ServiceState.FAILED_DEPLOYING, retryDeploy],
  [ServiceState.UNDEPLOYING, retryUndeploy],
  [ServiceState.FAILED_UNDEPLOYING, retryUndeploy],
  [ServiceState.SCALING, retryScale],
  [ServiceState.FAILED_SCALING, retryScale],
  [ServiceState.COOLDOWN, endCooldowns],
]);

export function recover(ctx: Ctx, service: StoredService, options: { readonly delete?: boolean }): void {
  if (options.delete === true) {
    forceDelete(ctx, service);
    return;
  }
  const retry = BY_STATE.get(service.body.state);
  if (retry === undefined)
    throw refused(`Service cannot be recovered in state: ${serviceStateName(service.body.state)}`);
  ctx.timers.cancelService(service.id);
  retry(ctx, service);
}

function retryRole(ctx: Ctx, service: StoredService, role: RoleBody, mode: number): void {
  for (const node of [...role.nodes]) {
    const vm = ctx.state.vms.get(node.deploy_id);
    if (vm === undefined || !isFailure(vm.state, vm.lcmState)) continue;
    ctx.state.log(service, "I", `Role ${role.name} : replacing failed VM ${vm.name} (ID ${vm.id})`);
    dropNode(role, vm.id);
    ctx.track(
      destroyVm(ctx, vm).catch((error: unknown) =>
        ctx.state.log(
          service,
          "E",
          `Role ${role.name} : ${error instanceof Error ? error.message : String(error)}`,
        ),
      ),
    );
  }
  deployRole(ctx, service, role, mode);
}
