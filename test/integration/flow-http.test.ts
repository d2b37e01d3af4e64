import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CloudError } from "../../src/errors.js";
import { OneFlowClient, parseAuth } from "../../src/flow/client.js";
import { type OneFlowServer, serveOneFlow } from "../../src/flow/serve.js";
import { createOneFlowApp, singleUser } from "../../src/flow/server.js";
import { serviceTemplate } from "../../src/service/template.js";
import { mergeFor, reportReady, world } from "../unit/flow/world.js";

describe("OneFlow over HTTP with the client", () => {
  const w = world();
  let server: OneFlowServer;
  let client: OneFlowClient;

  before(async () => {
    // GIVEN the embedded OneFlow on 127.0.0.1, an ephemeral port
    server = await serveOneFlow(
      createOneFlowApp(w.engine, { authenticate: singleUser("oneadmin", "secret") }),
    );
    client = OneFlowClient.fromEnvironment({ ONEFLOW_URL: server.url }, { auth: "oneadmin:secret" });
  });
  after(() => server.close());

  test("creates a template, instantiates it, reads and scales the service", async () => {
    // WHEN onekube's template is registered and instantiated with 3 workers
    const template = await client.createTemplate(serviceTemplate());
    const merge = mergeFor(template.DOCUMENT.TEMPLATE.BODY, [{ name: "worker", cardinality: 3 }]);
    const service = await client.instantiate(Number(template.DOCUMENT.ID), merge);

    // THEN the documents have upstream's types
    assert.equal(typeof service.DOCUMENT.ID, "string");
    assert.equal(service.DOCUMENT.TEMPLATE.BODY.state, 0);
    const id = Number(service.DOCUMENT.ID);
    assert.deepEqual(
      (await client.templates()).map((t) => t.DOCUMENT.NAME),
      ["onekube"],
    );

    // AND once every role reported, the service is RUNNING and can be scaled
    for (const role of ["vnf", "master", "worker", "storage"]) await reportReady(w, id, role);
    assert.equal((await client.service(id)).DOCUMENT.TEMPLATE.BODY.state, 2);
    assert.equal((await client.services()).length, 1);
    await client.scale(id, "worker", 4);
    assert.equal((await client.service(id)).DOCUMENT.TEMPLATE.BODY.state, 8);
  });

  test("refusals become CloudErrors with status and text", async () => {
    await assert.rejects(client.scale(77, "worker", 4), (e: unknown) => {
      assert.ok(e instanceof CloudError);
      assert.equal(e.status, 404);
      assert.equal(e.body, "[one.document.info] Error getting document [77].");
      assert.match(e.endpoint, /^POST http:\/\/127\.0\.0\.1:\d+\/service\/77\/scale$/);
      return true;
    });
    const stranger = new OneFlowClient({ url: server.url, ...parseAuth("oneadmin:wrong") });
    await assert.rejects(stranger.services(), (e: unknown) => e instanceof CloudError && e.status === 401);
  });

  test("a server that is not there is a CloudError without status", async () => {
    const nobody = new OneFlowClient({ url: "http://127.0.0.1:9", user: "a", password: "b" });
    await assert.rejects(
      nobody.services(),
      (e: unknown) => e instanceof CloudError && e.status === undefined,
    );
  });
});
