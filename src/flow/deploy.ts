/**
 * Deployment (reference §3.6–3.8): PENDING → DEPLOYING_NETS → DEPLOYING; under `straight` a role
 * starts when every parent is RUNNING (under `none` all start at once); a role is RUNNING when
 * each of its VMs passes the gate; all roles RUNNING → service RUNNING. The same gate ends a
 * scale-up. A VM in a `*_FAILURE` state fails its role and the service; so does our per-role
 * deploy timeout, which OneFlow lacks (it waits forever).
 */
import { type Ctx, deadlineKey } from "./context.js";
import type { RoleBody, ServiceBody } from "./model.js";
import { enterCooldown } from "./scale.js";
import type { FlowVm, StoredService } from "./state.js";
import { isFailure, LcmState, passesByState, RoleState, ServiceState, VmState } from "./states.js";
import { createVm } from "./vms.js";
import { sweep } from "./watchdog.js";

/** §3.8: `READY`, trimmed, equals YES (case-sensitive: "yes" does not count). */
export function readyReported(vm: FlowVm): boolean {
  const ready = vm.userTemplate.READY;
  return typeof ready === "string" && ready.trim() === "YES";
}

/** With the gate, READY; without it, ACTIVE/RUNNING; either way a stopped or done VM passes. */
export function passesGate(vm: FlowVm, gate: boolean): boolean {
  if (passesByState(vm.state)) return true;
  return gate ? readyReported(vm) : vm.state === VmState.ACTIVE && vm.lcmState === LcmState.RUNNING;
}

/** Roles that may start now: PENDING, and (under `straight`) every parent RUNNING. */
export function deployableRoles(body: ServiceBody): RoleBody[] {
  const pending = body.roles.filter((r) => r.state === RoleState.PENDING);
  if (body.deployment !== "straight") return pending;
  const running = new Set(body.roles.filter((r) => r.state === RoleState.RUNNING).map((r) => r.name));
  return pending.filter((r) => (r.parents ?? []).every((p) => running.has(p)));
}

export function startDeploy(ctx: Ctx, service: StoredService): void {
  if (service.body.state !== ServiceState.PENDING) return;
  // No networks to create here: the driver owns the one service network.
  ctx.state.setServiceState(service, ServiceState.DEPLOYING_NETS);
  ctx.state.setServiceState(service, ServiceState.DEPLOYING);
  deployNext(ctx, service);
}

/** Applies the deployment rule again; called at start and each time a role becomes RUNNING. */
export function deployNext(ctx: Ctx, service: StoredService): void {
  if (service.body.state !== ServiceState.DEPLOYING) return;
  // A role with no VMs passes at once and may already have started its siblings.
  for (const role of deployableRoles(service.body))
    if (role.state === RoleState.PENDING) deployRole(ctx, service, role, RoleState.DEPLOYING);
  if (
    service.body.state === ServiceState.DEPLOYING &&
    service.body.roles.every((r) => r.state === RoleState.RUNNING)
  ) {
    ctx.state.setServiceState(service, ServiceState.RUNNING);
    sweep(ctx, service);
  }
  ctx.changed();
}

/** Starts (or restarts, on recover) a role: creates its missing VMs and arms the deadline. */
export function deployRole(ctx: Ctx, service: StoredService, role: RoleBody, mode: number): void {
  ctx.state.setRoleState(service, role, mode);
  const runtime = ctx.state.runtime(service, role.name);
  runtime.deadline = ctx.state.clock.now() + ctx.settings.deployTimeoutMs;
  armDeadline(ctx, service, role.name, ctx.settings.deployTimeoutMs);
  for (let missing = role.cardinality - role.nodes.length; missing > 0; missing--)
    createVm(ctx, service, role);
  checkRole(ctx, service, role);
}

export function armDeadline(ctx: Ctx, service: StoredService, roleName: string, ms: number): void {
  ctx.timers.set(deadlineKey(service.id, roleName), ms, () => {
    const role = service.body.roles.find((r) => r.name === roleName);
    if (role === undefined || !waiting(service, role)) return;
    const gate = service.body.ready_status_gate === true;
    const late = role.nodes
      .map((n) => ctx.state.vms.get(n.deploy_id))
      .filter((vm): vm is FlowVm => vm !== undefined && !passesGate(vm, gate))
      .map((vm) => `${vm.name} (ID ${vm.id})`);
    const what = gate ? "did not report READY=YES" : "did not reach RUNNING";
    const limit = Math.round(ctx.settings.deployTimeoutMs / 1000);
    failRole(
      ctx,
      service,
      role,
      `Role ${roleName} : deploy timed out after ${limit} s; ${late.join(", ")} ${what}`,
    );
  });
}

/** Is the role waiting for its VMs to pass the gate (deploying, or scaling up)? */
function waiting(service: StoredService, role: RoleBody): boolean {
  const s = service.body.state;
  if (role.state === RoleState.DEPLOYING) return s === ServiceState.DEPLOYING;
  const up = service.runtime[role.name]?.scaleWay === "UP";
  return role.state === RoleState.SCALING && up && s === ServiceState.SCALING;
}

/** Re-checks a waiting role after any change of one of its VMs; true if a VM failed it. */
export function checkRole(ctx: Ctx, service: StoredService, role: RoleBody): boolean {
  if (!waiting(service, role)) return false;
  const vms = role.nodes.map((n) => ctx.state.vms.get(n.deploy_id)).filter((vm) => vm !== undefined);
  const failed = vms.find((vm) => isFailure(vm.state, vm.lcmState));
  const gate = service.body.ready_status_gate === true;
  if (failed) failRole(ctx, service, role, `Role ${role.name} : ${failed.error ?? `VM ${failed.id} failed`}`);
  else if (vms.length < role.cardinality || !vms.every((vm) => passesGate(vm, gate))) ctx.changed();
  else roleReady(ctx, service, role);
  return failed !== undefined;
}

/** Every VM passed: a deploying role is RUNNING (next roles may start), a scaled one cools down. */
function roleReady(ctx: Ctx, service: StoredService, role: RoleBody): void {
  ctx.timers.cancel(deadlineKey(service.id, role.name));
  delete ctx.state.runtime(service, role.name).deadline;
  if (role.state === RoleState.SCALING) enterCooldown(ctx, service, role);
  else {
    ctx.state.setRoleState(service, role, RoleState.RUNNING);
    deployNext(ctx, service);
  }
}

/** A role failed while deploying or scaling: it and the service go FAILED_*; work stops. */
export function failRole(ctx: Ctx, service: StoredService, role: RoleBody, reason: string): void {
  const scaling = role.state === RoleState.SCALING;
  ctx.timers.cancelService(service.id);
  delete ctx.state.runtime(service, role.name).deadline;
  ctx.state.log(service, "E", reason);
  ctx.state.setRoleState(service, role, scaling ? RoleState.FAILED_SCALING : RoleState.FAILED_DEPLOYING);
  ctx.state.setServiceState(service, scaling ? ServiceState.FAILED_SCALING : ServiceState.FAILED_DEPLOYING);
  ctx.changed();
}
