/**
 * The embedded OneFlow's REST API as a fetch-style hono app: the routes of reference §3.11 that
 * onekube and OpenNebula's `oneflow`/`oneflow-template` CLIs need, with HTTP Basic auth on every
 * request, JSON bodies in and out, and upstream's statuses with plain-text reasons on errors.
 * Each route is a line of wiring; the engine decides everything.
 */
import { Hono } from "hono";
import type { FlowEngine } from "./engine.js";
import { FlowError, refused } from "./errors.js";
import { type Owner, poolOf } from "./model.js";
import { rubyToI } from "./ruby.js";
import { type AuthEnv, basicAuth, type OneFlowAuthenticator } from "./server-auth.js";

export { type OneFlowAuthenticator, singleUser } from "./server-auth.js";

export interface OneFlowOptions {
  readonly authenticate: OneFlowAuthenticator;
  /** Where unexpected errors are written (their reason is also returned, as upstream does). */
  readonly log?: (line: string) => void;
}

export type OneFlowApp = Hono<AuthEnv>;

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/** Bodies are JSON whatever the Content-Type says; unparsable JSON is a 400 as upstream. */
async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FlowError(400, error instanceof Error ? error.message : String(error));
  }
}

/** `{"action": {"perform": P, "params": {...}}}`. */
async function actionOf(request: Request): Promise<{ perform: string; params: Plain }> {
  const body = await jsonBody(request);
  const action = isPlain(body) ? body.action : undefined;
  if (!isPlain(action) || typeof action.perform !== "string") throw new FlowError(400, "No action given");
  return { perform: action.perform, params: isPlain(action.params) ? action.params : {} };
}

export function createOneFlowApp(engine: FlowEngine, options: OneFlowOptions): OneFlowApp {
  const app = new Hono<AuthEnv>();
  const log = options.log ?? (() => {});
  const id = (raw: string) => rubyToI(raw);
  const owner = (c: { get(key: "owner"): Owner }) => c.get("owner");
  const found = <T>(doc: T | undefined, raw: string): T => {
    if (doc === undefined)
      throw new FlowError(404, `[one.document.info] Error getting document [${id(raw)}].`);
    return doc;
  };

  app.use(basicAuth(options.authenticate));

  app.get("/service_template", (c) => c.json(poolOf(engine.templates()), 200));
  app.post("/service_template", async (c) =>
    c.json(engine.createTemplate(await jsonBody(c.req.raw), owner(c)), 201),
  );
  app.get("/service_template/:id", (c) =>
    c.json(found(engine.template(id(c.req.param("id"))), c.req.param("id")), 200),
  );
  app.delete("/service_template/:id", (c) => {
    engine.deleteTemplate(id(c.req.param("id")));
    return c.body(null, 204);
  });
  app.post("/service_template/:id/action", async (c) => {
    const { perform, params } = await actionOf(c.req.raw);
    if (perform !== "instantiate") throw refused(`Action ${perform} not supported`);
    return c.json(engine.instantiate(id(c.req.param("id")), params.merge_template, owner(c)), 201);
  });

  app.get("/service", (c) => c.json(poolOf(engine.services()), 200));
  app.get("/service/:id", (c) =>
    c.json(found(engine.service(id(c.req.param("id"))), c.req.param("id")), 200),
  );
  app.delete("/service/:id", (c) => {
    engine.undeploy(id(c.req.param("id")));
    return c.body(null, 204);
  });
  app.post("/service/:id/scale", async (c) => {
    const body = await jsonBody(c.req.raw);
    const call = isPlain(body) ? body : {};
    engine.scale(
      id(c.req.param("id")),
      String(call.role_name ?? ""),
      rubyToI(call.cardinality),
      call.force === true,
    );
    return c.body(null, 204);
  });
  app.post("/service/:id/action", async (c) => {
    const { perform, params } = await actionOf(c.req.raw);
    if (perform !== "recover") throw refused(`Action ${perform} not supported`);
    engine.recover(id(c.req.param("id")), { delete: params.delete === true });
    return c.body(null, 204);
  });

  app.notFound((c) => c.text("Not Found", 404));
  app.onError((error, c) => {
    if (error instanceof FlowError) return c.text(error.message, error.status);
    log(`[oneflow] ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return c.json({ message: "Internal server error", reason: error.message }, 500);
  });
  return app;
}
