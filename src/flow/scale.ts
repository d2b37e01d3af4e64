/**
 * Scaling (reference §3.10): refused unless the service is RUNNING (so also in COOLDOWN after
 * the previous scale), for an unknown role, outside min/max without `force`, or to the same
 * cardinality — with upstream's texts and order of checks. Up: the missing VMs are created and
 * pass the gate; down: the picker (default: oldest first, as upstream) chooses the VMs to
 * terminate. Then SCALING → COOLDOWN for the role's `cooldown` seconds → RUNNING.
 */
import { type Ctx, cooldownKey } from "./context.js";
import { deployRole, failRole } from "./deploy.js";
import { refused } from "./errors.js";
import type { RoleBody } from "./model.js";
import { rubyToI } from "./ruby.js";
import type { StoredService } from "./state.js";
import { RoleState, ServiceState, serviceStateName } from "./states.js";
import { destroyVm, dropNode } from "./vms.js";
import { sweep } from "./watchdog.js";

export function scale(
  ctx: Ctx,
  service: StoredService,
  roleName: string,
  wanted: number | string,
  force: boolean,
) {
  const { body } = service;
  if (body.state !== ServiceState.RUNNING)
    throw refused(`Service cannot be scaled in state: ${serviceStateName(body.state)}`);
  const role = body.roles.find((r) => r.name === roleName);
  if (role === undefined) throw refused(`Role ${roleName} not found`);
  const cardinality = rubyToI(wanted);
  // Upstream compares with `min_vms.to_i`: an absent minimum is 0 and prints as nothing.
  if ((!force && cardinality < (role.min_vms ?? 0)) || cardinality < 0)
    throw refused(`Can't scale service ${service.id}: Minimum cardinality is ${role.min_vms ?? ""}`);
  if (!force && role.max_vms !== undefined && cardinality > role.max_vms)
    throw refused(`Can't scale service ${service.id}: Maximum cardinality is ${role.max_vms}`);
  const diff = cardinality - role.cardinality;
  if (diff === 0) throw refused(`Cardinality of ${roleName} is already at ${cardinality}`);

  role.cardinality = cardinality;
  const runtime = ctx.state.runtime(service, roleName);
  runtime.scaleWay = diff > 0 ? "UP" : "DOWN";
  ctx.state.setServiceState(service, ServiceState.SCALING);
  if (diff > 0) return deployRole(ctx, service, role, RoleState.SCALING);
  ctx.state.setRoleState(service, role, RoleState.SCALING);
  ctx.track(pickAndRemove(ctx, service, role, -diff));
  ctx.changed();
}

async function pickAndRemove(ctx: Ctx, service: StoredService, role: RoleBody, count: number): Promise<void> {
  const vms = role.nodes.map((n) => ctx.state.vms.get(n.deploy_id)).filter((vm) => vm !== undefined);
  let chosen: readonly number[];
  try {
    chosen = await ctx.settings.pickScaleDown({ serviceId: service.id, role: role.name, vms }, count);
    const ids = new Set(vms.map((vm) => vm.id));
    if (new Set(chosen).size !== count || !chosen.every((id) => ids.has(id)))
      throw new Error(`expected ${count} distinct VMs of the role, got [${chosen.join(", ")}]`);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return failRole(ctx, service, role, `Role ${role.name} : cannot choose the VMs to remove: ${why}`);
  }
  ctx.state.runtime(service, role.name).removing = [...chosen];
  await removeChosen(ctx, service, role);
}

/** Terminates the chosen VMs still in the role; used again by `recover` after a failure. */
export async function removeChosen(ctx: Ctx, service: StoredService, role: RoleBody): Promise<void> {
  const runtime = ctx.state.runtime(service, role.name);
  const present = new Set(role.nodes.map((n) => n.deploy_id));
  const victims = (runtime.removing ?? []).filter((id) => present.has(id));
  const results = await Promise.allSettled(
    victims.map(async (id) => {
      const vm = ctx.state.vms.get(id);
      if (vm) await destroyVm(ctx, vm);
      dropNode(role, id);
    }),
  );
  const errors = results.flatMap((r) =>
    r.status === "rejected" ? [String(r.reason?.message ?? r.reason)] : [],
  );
  if (role.state !== RoleState.SCALING || service.body.state !== ServiceState.SCALING) return;
  if (errors.length > 0) return failRole(ctx, service, role, `Role ${role.name} : ${errors.join("; ")}`);
  delete runtime.removing;
  enterCooldown(ctx, service, role);
}

export function enterCooldown(ctx: Ctx, service: StoredService, role: RoleBody): void {
  const runtime = ctx.state.runtime(service, role.name);
  delete runtime.scaleWay;
  ctx.state.setRoleState(service, role, RoleState.COOLDOWN);
  ctx.state.setServiceState(service, ServiceState.COOLDOWN);
  const ms = role.cooldown * 1000;
  runtime.cooldownUntil = ctx.state.clock.now() + ms;
  armCooldown(ctx, service, role.name, ms);
  ctx.changed();
}

export function armCooldown(ctx: Ctx, service: StoredService, roleName: string, ms: number): void {
  if (ms <= 0) endCooldown(ctx, service, roleName);
  else ctx.timers.set(cooldownKey(service.id, roleName), ms, () => endCooldown(ctx, service, roleName));
}

/** Upstream's `cooldown_cb`, also what `recover` does to a service in COOLDOWN. */
export function endCooldown(ctx: Ctx, service: StoredService, roleName: string): void {
  ctx.timers.cancel(cooldownKey(service.id, roleName));
  const role = service.body.roles.find((r) => r.name === roleName);
  if (role === undefined || role.state !== RoleState.COOLDOWN) return;
  delete ctx.state.runtime(service, roleName).cooldownUntil;
  ctx.state.setRoleState(service, role, RoleState.RUNNING);
  if (service.body.state === ServiceState.COOLDOWN) {
    ctx.state.setServiceState(service, ServiceState.RUNNING);
    sweep(ctx, service);
  }
  ctx.changed();
}
