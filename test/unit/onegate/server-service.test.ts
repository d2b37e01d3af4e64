import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ServiceDocumentSchema } from "../../../src/onegate/protocol.js";
import { form, JSON_TYPE, world } from "./world.js";

describe("OneGate GET /service", () => {
  test("shows the caller's service with upstream's types: id string, integers, running null", async () => {
    // GIVEN service 7 with two roles
    const w = world();
    // WHEN a worker asks for its service
    const answer = await w.call(20, "GET", "/service");
    // THEN the document is exactly the reduced one, nodes carrying only identity
    assert.equal(answer.status, 200);
    assert.equal(answer.contentType, JSON_TYPE);
    const node = (id: number, name: string) => ({
      deploy_id: id,
      running: null,
      vm_info: {
        VM: { ID: String(id), UID: "0", GID: "0", UNAME: "oneadmin", GNAME: "oneadmin", NAME: name },
      },
    });
    assert.equal(
      answer.body,
      JSON.stringify({
        SERVICE: {
          name: "k8s",
          id: "7",
          state: 2,
          roles: [
            {
              name: "master",
              cardinality: 2,
              state: 2,
              nodes: [node(10, "master_0_(service_7)"), node(11, "master_1_(service_7)")],
            },
            { name: "worker", cardinality: 1, state: 2, nodes: [node(20, "worker_0_(service_7)")] },
          ],
        },
      }),
    );
    assert.ok(ServiceDocumentSchema.safeParse(answer.json()).success);
  });

  test("a role not deployed yet has its planned cardinality, state 0 and no nodes", async () => {
    const w = world();
    const service = w.backend.service(7);
    assert.ok(service?.roles);
    w.backend.putService({
      ...service,
      roles: [...service.roles, { name: "storage", cardinality: 1, state: 0, nodes: [] }],
    });
    const doc = ServiceDocumentSchema.parse((await w.call(10, "GET", "/service")).json());
    assert.deepEqual(doc.SERVICE.roles[2], { name: "storage", cardinality: 1, state: 0, nodes: [] });
  });

  test("extended=true in a form GET body (as the CLI sends it) gives whole VM documents", async () => {
    // GIVEN the Node adapter handed over the GET body `extended=true`
    const w = world();
    const answer = await w.call(10, "GET", "/service", { contentType: form, getBody: "extended=true" });
    // THEN each node's vm_info.VM is the unfiltered VM, states and template included
    const vm = ServiceDocumentSchema.parse(answer.json()).SERVICE.roles[1]?.nodes[0]?.vm_info.VM;
    assert.ok(vm);
    assert.equal(vm.STATE, "3");
    assert.deepEqual((vm.USER_TEMPLATE as Record<string, string>).ROLE_NAME, "worker");
    // A single NIC is an object here, as OpenNebula's XML→JSON gives it, with every key kept.
    assert.equal((vm.TEMPLATE as { NIC: { NIC_ID: string } }).NIC.NIC_ID, "0");
  });

  test("extended in the query string works too; a GET body without a form type is ignored", async () => {
    const w = world();
    const query = ServiceDocumentSchema.parse((await w.call(10, "GET", "/service?extended=true")).json());
    assert.equal(query.SERVICE.roles[0]?.nodes[0]?.vm_info.VM.STATE, "3");
    const plain = ServiceDocumentSchema.parse(
      (await w.call(10, "GET", "/service", { getBody: "extended=true" })).json(),
    );
    assert.equal(plain.SERVICE.roles[0]?.nodes[0]?.vm_info.VM.STATE, undefined);
  });

  test("extended asks the core for every node: a node it no longer knows is 404 with the core's message", async () => {
    const w = world();
    w.backend.removeVm(11);
    assert.equal((await w.call(10, "GET", "/service")).status, 200);
    const answer = await w.call(10, "GET", "/service?extended=1");
    assert.deepEqual(
      [answer.status, answer.body],
      [404, "[one.vm.info] Error getting virtual machine [11]."],
    );
  });
});

describe("OneGate PUT /service/role/:role", () => {
  test("the CLI's body — cardinality as a string, form content type — reaches OneFlow; 200 empty", async () => {
    // GIVEN service 7 RUNNING with one worker
    const w = world();
    // WHEN a master scales the workers to 3 as the CLI does
    const answer = await w.call(10, "PUT", "/service/role/worker", {
      contentType: form,
      body: '{"cardinality":"3"}',
    });
    // THEN 200 with an empty body, and the backend got the request
    assert.deepEqual([answer.status, answer.body, answer.contentType], [200, "", JSON_TYPE]);
    assert.deepEqual(w.backend.scaleRequests, [{ serviceId: 7, role: "worker", cardinality: 3 }]);
    assert.equal(w.backend.service(7)?.state, 8);
  });

  test("an integer cardinality with a JSON content type works as well", async () => {
    const w = world();
    const answer = await w.call(20, "PUT", "/service/role/master", {
      contentType: "application/json",
      body: '{"cardinality":3}',
    });
    assert.equal(answer.status, 200);
    assert.equal(w.backend.service(7)?.roles?.[0]?.cardinality, 3);
  });

  test("OneFlow's refusals become upstream's fixed 400 sentence; the reason is only logged", async () => {
    const w = world();
    const cases = [
      ['{"cardinality":2}', "Cardinality of master is already at 2"],
      ["{}", "no cardinality given"],
      ['{"cardinality":"many"}', "Invalid cardinality"],
    ] as const;
    for (const [body, reason] of cases) {
      const answer = await w.call(10, "PUT", "/service/role/master", { body });
      assert.deepEqual(
        [answer.status, answer.body],
        [400, "Error performing action on service 7 role master"],
        body,
      );
      assert.match(w.logged.at(-1) ?? "", new RegExp(reason));
    }
    const unknown = await w.call(10, "PUT", "/service/role/nosuch", { body: '{"cardinality":1}' });
    assert.deepEqual(
      [unknown.status, unknown.body],
      [400, "Error performing action on service 7 role nosuch"],
    );
    assert.deepEqual(w.backend.scaleRequests, []);
  });

  test("a body that is not JSON is a 500, as upstream's parser error", async () => {
    const w = world();
    const answer = await w.call(10, "PUT", "/service/role/worker", { body: "cardinality=3" });
    assert.equal(answer.status, 500);
    assert.match(answer.body, /^Error parsing JSON body/);
  });
});
