/**
 * The embedded OneGate as a fetch-style hono app: exactly the routes onekube needs from
 * OpenNebula's OneGate (reference §1.12), with upstream's status codes, plain-text error bodies
 * and `application/json;charset=utf-8` on every response, so that OpenNebula's own `onegate`
 * CLI works against it unchanged. Every route runs: permission switch → token → its own checks.
 * Not served (they fall to the catch-all 400): POST /vms/:id/action, /vrouter, /vnet/:id.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ALL_PERMITTED, authenticate, type OneGatePermissions, permit } from "./auth.js";
import type { OneGateBackend } from "./backend.js";
import { UNSUPPORTED } from "./http-errors.js";
import { requestedVm } from "./membership.js";
import { type OneGateEnv, rubyToI } from "./params.js";
import { JSON_CONTENT_TYPE } from "./protocol.js";
import { scaleRole, showService } from "./service-routes.js";
import { updateVm } from "./update.js";
import { vmView } from "./views.js";

export interface OneGateOptions {
  readonly permissions?: OneGatePermissions;
  /** Names PUT may neither set nor erase (`:restricted_attrs:`). */
  readonly restrictedAttributes?: readonly string[];
  /** The base URL GET / advertises (`:ssl_server:`); default: the request's scheme and Host. */
  readonly publicBase?: string;
  /** Where refusal reasons that the VM does not see are written. */
  readonly log?: (line: string) => void;
}

export const DEFAULT_RESTRICTED_ATTRIBUTES = ["SCHED_REQUIREMENTS", "SERVICE_ID", "ROLE_NAME"] as const;

export type OneGateApp = Hono<OneGateEnv>;

export function createOneGateApp(backend: OneGateBackend, options: OneGateOptions = {}): OneGateApp {
  const permissions = options.permissions ?? ALL_PERMITTED;
  const restricted = new Set(
    (options.restrictedAttributes ?? DEFAULT_RESTRICTED_ATTRIBUTES).map((n) => n.toUpperCase()),
  );
  const log = options.log ?? (() => {});
  const auth = authenticate(backend);
  const app: OneGateApp = new Hono<OneGateEnv>();

  app.use(async (c, next) => {
    await next();
    c.res.headers.set("Content-Type", JSON_CONTENT_TYPE);
  });

  app.get("/", auth, (c) => {
    const url = new URL(c.req.url);
    const base = options.publicBase ?? `${url.protocol}//${c.req.header("host") ?? url.host}`;
    return c.json({ vm_info: `${base}/vm`, service_info: `${base}/service` }, 200);
  });
  app.get("/vm", permit(permissions, "vm", "show"), auth, (c) => c.json(vmView(c.get("caller")), 200));
  app.put("/vm", permit(permissions, "vm", "update"), auth, (c) =>
    updateVm(c, backend, restricted, c.get("caller")),
  );
  app.get("/vms/:id", permit(permissions, "vm", "show_by_id"), auth, async (c) => {
    const vm = await requestedVm(backend, c.get("caller"), rubyToI(c.req.param("id")));
    return c.json(vmView(vm), 200);
  });
  app.put("/vms/:id", permit(permissions, "vm", "update_by_id"), auth, async (c) => {
    const vm = await requestedVm(backend, c.get("caller"), rubyToI(c.req.param("id")));
    return updateVm(c, backend, restricted, vm);
  });
  app.get("/service", permit(permissions, "service", "show"), auth, (c) => showService(c, backend));
  app.put("/service/role/:role", permit(permissions, "service", "change_cardinality"), auth, (c) =>
    scaleRole(c, backend, log),
  );

  app.notFound(() => plainText(400, UNSUPPORTED));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return plainText(error.status, error.message);
    log(`internal error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return plainText(500, error.message);
  });
  return app;
}

/** Upstream's error bodies are plain text, yet labelled JSON like everything it sends. */
function plainText(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": JSON_CONTENT_TYPE } });
}
