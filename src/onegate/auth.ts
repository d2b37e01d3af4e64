/**
 * The two checks every route makes before its own, in upstream's order: the route's permission
 * switch (403 before any authentication), then the caller's token (401 for anything wrong,
 * including an unknown VM: a 404 would tell a stranger which VM ids exist).
 */
import { createMiddleware } from "hono/factory";
import type { OneGateBackend } from "./backend.js";
import { NOT_AUTHORIZED, permissionOff, refuse } from "./http-errors.js";
import type { OneGateEnv } from "./params.js";
import { tokenMatches } from "./token.js";

/** The `:permissions:` switches of onegate-server.conf that onekube's routes use. */
export interface OneGatePermissions {
  readonly vm: {
    readonly show: boolean;
    readonly show_by_id: boolean;
    readonly update: boolean;
    readonly update_by_id: boolean;
  };
  readonly service: { readonly show: boolean; readonly change_cardinality: boolean };
}

export const ALL_PERMITTED: OneGatePermissions = {
  vm: { show: true, show_by_id: true, update: true, update_by_id: true },
  service: { show: true, change_cardinality: true },
};

export function permit<R extends keyof OneGatePermissions>(
  permissions: OneGatePermissions,
  resource: R,
  action: keyof OneGatePermissions[R] & string,
) {
  return createMiddleware<OneGateEnv>(async (_c, next) => {
    const switches = permissions[resource] as Readonly<Record<string, boolean>>;
    if (switches[action] !== true) refuse(403, permissionOff(resource, action));
    await next();
  });
}

/** Sets `caller` to the VM whose headers and token check out. */
export function authenticate(backend: OneGateBackend) {
  return createMiddleware<OneGateEnv>(async (c, next) => {
    const token = c.req.header("x-onegate-token");
    const vmId = c.req.header("x-onegate-vmid")?.trim();
    if (token === undefined || vmId === undefined || !/^\d+$/.test(vmId)) refuse(401, NOT_AUTHORIZED);
    const vm = await backend.vm(Number(vmId));
    if (vm === undefined) refuse(401, NOT_AUTHORIZED);
    const password = await backend.tokenPassword(vm.uid);
    if (password === undefined || !tokenMatches(password, token, vm.id, vm.stime))
      refuse(401, NOT_AUTHORIZED);
    c.set("caller", vm);
    await next();
  });
}
