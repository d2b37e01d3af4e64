/**
 * Continuing from a snapshot (the daemon restarted): the deadlines and cooldowns in the roles'
 * runtime are absolute times, so their timers are re-armed for what is left, and services that
 * never started are started. Driver work that was in flight when the snapshot was taken (a VM
 * being created or terminated) is not replayed: `recover` retries it, as upstream's catch-up does.
 */
import { z } from "zod";
import type { Ctx } from "./context.js";
import { armDeadline } from "./deploy.js";
import { armCooldown } from "./scale.js";
import type { FlowSnapshot, StoredService } from "./state.js";
import { RoleState, ServiceState } from "./states.js";

export function restoreTimers(ctx: Ctx, start: (service: StoredService) => void): void {
  const now = ctx.state.clock.now();
  for (const service of ctx.state.services.values()) {
    if (service.body.state === ServiceState.PENDING) start(service);
    for (const role of service.body.roles) {
      const runtime = service.runtime[role.name];
      if (runtime?.deadline !== undefined && [RoleState.DEPLOYING, RoleState.SCALING].includes(role.state))
        armDeadline(ctx, service, role.name, Math.max(0, runtime.deadline - now));
      if (runtime?.cooldownUntil !== undefined && role.state === RoleState.COOLDOWN)
        armCooldown(ctx, service, role.name, Math.max(0, runtime.cooldownUntil - now));
    }
  }
}

/** The outline of a snapshot; its insides are the engine's own data, written by `snapshot()`. */
const snapshotSchema = z.object({
  version: z.literal(1),
  nextDocumentId: z.int().min(0),
  nextVmId: z.int().min(0),
  seq: z.int().min(0),
  templates: z.array(z.looseObject({ id: z.int(), owner: z.looseObject({}), body: z.looseObject({}) })),
  services: z.array(
    z.looseObject({
      id: z.int(),
      owner: z.looseObject({}),
      body: z.looseObject({}),
      runtime: z.looseObject({}),
    }),
  ),
  vms: z.array(z.looseObject({ id: z.int(), serviceId: z.int(), history: z.array(z.unknown()) })),
});

/** Reads a snapshot the daemon saved (e.g. for `onekube status` from another shell). */
export function parseSnapshot(text: string): FlowSnapshot {
  const parsed = snapshotSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`not a onekube flow snapshot: ${z.prettifyError(parsed.error)}`);
  // The outline matched; the rest was written by FlowState.snapshot().
  return parsed.data as unknown as FlowSnapshot;
}
