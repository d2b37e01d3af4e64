import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createOneFlowApp, singleUser } from "../../../src/flow/server.js";
import { serviceTemplate } from "../../../src/service/template.js";
import { mergeFor, reportReady, world } from "./world.js";

const AUTH = `Basic ${Buffer.from("oneadmin:opennebula").toString("base64")}`;

function setup() {
  const w = world();
  const app = createOneFlowApp(w.engine, { authenticate: singleUser("oneadmin", "opennebula") });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method,
      headers: {
        Authorization: AUTH,
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
  return { ...w, app, call };
}

type Json = Record<string, unknown>;
const json = async (r: Response) => (await r.json()) as Json;

describe("OneFlow REST server", () => {
  test("every request needs Basic credentials, answered with upstream's texts", async () => {
    // GIVEN the app with one account
    const { app, call } = setup();

    // THEN none → 401 and wrong → 401, each with its own text
    const none = await app.request("/service");
    assert.equal(none.status, 401);
    assert.equal(await none.text(), "A username and password must be provided");
    const wrong = await call("GET", "/service", undefined, {
      Authorization: `Basic ${Buffer.from("oneadmin:nope").toString("base64")}`,
    });
    assert.equal(wrong.status, 401);
    assert.equal(await wrong.text(), "Invalid credentials");
    assert.equal((await call("GET", "/service")).status, 200);
  });

  test("templates: empty pool, create (201), show, list, delete", async () => {
    // GIVEN no template
    const { call } = setup();
    assert.deepEqual(await json(await call("GET", "/service_template")), { DOCUMENT_POOL: {} });

    // WHEN onekube's template is posted
    const created = await call("POST", "/service_template", serviceTemplate());

    // THEN it is a 201 document with string outer fields and a JSON body
    assert.equal(created.status, 201);
    assert.match(created.headers.get("content-type") ?? "", /application\/json/);
    const doc = (await json(created)).DOCUMENT as Json;
    assert.equal(doc.ID, "0");
    assert.equal(doc.UID, "0");
    assert.equal(doc.UNAME, "oneadmin");
    assert.equal(doc.TYPE, "101");
    assert.equal(doc.NAME, "onekube");
    assert.deepEqual((doc.PERMISSIONS as Json).OWNER_U, "1");
    const body = (doc.TEMPLATE as Json).BODY as Json;
    assert.equal(typeof body.registration_time, "number");
    assert.equal(body.deployment, "straight");

    // AND it is listed (DOCUMENT an array) and shown
    const pool = await json(await call("GET", "/service_template"));
    assert.ok(Array.isArray((pool.DOCUMENT_POOL as Json).DOCUMENT));
    assert.equal((await call("GET", "/service_template/0")).status, 200);

    // WHEN deleted, THEN 204 and then 404
    assert.equal((await call("DELETE", "/service_template/0")).status, 204);
    const gone = await call("GET", "/service_template/0");
    assert.equal(gone.status, 404);
    assert.equal(await gone.text(), "[one.document.info] Error getting document [0].");
  });

  test("schema and JSON errors are 400 with plain text", async () => {
    const { call } = setup();
    const bad = await call("POST", "/service_template", {
      name: "t",
      roles: [{ name: "a b", type: "vm", template_id: 0 }],
    });
    assert.equal(bad.status, 400);
    assert.equal(await bad.text(), "KEY: 'name' must match regexp /^\\w+$/;");
    const notJson = await call("POST", "/service_template", "{nope");
    assert.equal(notJson.status, 400);
  });

  test("instantiate → 201 service document; types as upstream; scale, recover and delete", async () => {
    // GIVEN onekube's template
    const w = setup();
    const t = await json(await w.call("POST", "/service_template", serviceTemplate()));
    const tBody = ((t.DOCUMENT as Json).TEMPLATE as Json).BODY as Parameters<typeof mergeFor>[0];

    // WHEN it is instantiated through the action route
    const res = await w.call("POST", "/service_template/0/action", {
      action: { perform: "instantiate", params: { merge_template: mergeFor(tBody) } },
    });

    // THEN 201 and a service document: ID a string, state and cardinality integers
    assert.equal(res.status, 201);
    const doc = (await json(res)).DOCUMENT as Json;
    assert.equal(doc.ID, "1");
    assert.equal(doc.TYPE, "100");
    const body = (doc.TEMPLATE as Json).BODY as { state: unknown; roles: Json[]; log: unknown[] };
    assert.equal(body.state, 0);
    assert.equal(body.roles[0]?.cardinality, 2);

    // AND once deployed, nodes carry an integer deploy_id and string VM fields
    await reportReady(w, 1, "vnf");
    const shown = (await json(await w.call("GET", "/service/1"))).DOCUMENT as Json;
    const vnf = (((shown.TEMPLATE as Json).BODY as Json).roles as Json[])[0] as { nodes: Json[] };
    assert.deepEqual(vnf.nodes[0], {
      deploy_id: 0,
      vm_info: {
        VM: { ID: "0", UID: "0", GID: "0", UNAME: "oneadmin", GNAME: "oneadmin", NAME: "vnf_0_(service_1)" },
      },
    });
    const pool = await json(await w.call("GET", "/service"));
    assert.equal(((pool.DOCUMENT_POOL as Json).DOCUMENT as Json[]).length, 1);

    // AND scaling while deploying is refused (500, plain text), unknown service is 404
    const refused = await w.call("POST", "/service/1/scale", {
      role_name: "worker",
      cardinality: "3",
      force: false,
    });
    assert.equal(refused.status, 500);
    assert.equal(await refused.text(), "Service cannot be scaled in state: DEPLOYING");
    assert.equal((await w.call("GET", "/service/9")).status, 404);
    const undeploy = await w.call("DELETE", "/service/1");
    assert.equal(await undeploy.text(), "Service cannot be undeployed in state: DEPLOYING");

    // WHEN the deploy finishes, THEN a scale is accepted with 204 (cardinality as a string)
    for (const role of ["master", "worker", "storage"]) await reportReady(w, 1, role);
    assert.equal(
      (await w.call("POST", "/service/1/scale", { role_name: "worker", cardinality: "3" })).status,
      204,
    );
    await reportReady(w, 1, "worker");
    // AND recover ends the cooldown, delete undeploys and removes the service
    const recover = await w.call("POST", "/service/1/action", { action: { perform: "recover", params: {} } });
    assert.equal(recover.status, 204);
    assert.equal(w.engine.service(1)?.DOCUMENT.TEMPLATE.BODY.state, 2);
    assert.equal((await w.call("DELETE", "/service/1")).status, 204);
    await w.engine.idle();
    assert.deepEqual(await json(await w.call("GET", "/service")), { DOCUMENT_POOL: {} });
  });

  test("unsupported actions are refused", async () => {
    const { call } = setup();
    await call("POST", "/service_template", serviceTemplate());
    const clone = await call("POST", "/service_template/0/action", {
      action: { perform: "clone", params: {} },
    });
    assert.equal(clone.status, 500);
    assert.equal(await clone.text(), "Action clone not supported");
  });
});
