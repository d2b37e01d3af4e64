import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VmDocumentSchema } from "../../../src/onegate/protocol.js";
import { JSON_TYPE, vm, world } from "./world.js";

describe("OneGate GET /vm and GET /vms/:id", () => {
  test("GET /vm shows the caller exactly as OneGate filters it: strings, key order, NIC arrays", async () => {
    // GIVEN VM 10 with a scheduler message, a vector attribute, an unfiltered NIC and an alias
    const { backend, call } = world();
    backend.putVm(
      vm(
        10,
        {
          SERVICE_ID: "7",
          ROLE_NAME: "master",
          SCHED_MESSAGE: "hidden",
          USER_INPUTS: { ONEAPP_K8S_PORT: "O|text|Kubernetes API port" },
        },
        { name: "master_0_(service_7)", nicAliases: [{ IP: "10.0.0.9", PARENT: "NIC0", NIC_ID: "1" }] },
      ),
    );
    // WHEN it asks for itself
    const answer = await call(10, "GET", "/vm");
    // THEN the document has upstream's shape, byte for byte
    assert.equal(answer.status, 200);
    assert.equal(answer.contentType, JSON_TYPE);
    assert.equal(
      answer.body,
      JSON.stringify({
        VM: {
          NAME: "master_0_(service_7)",
          ID: "10",
          STATE: "3",
          LCM_STATE: "3",
          USER_TEMPLATE: {
            SERVICE_ID: "7",
            ROLE_NAME: "master",
            USER_INPUTS: { ONEAPP_K8S_PORT: "O|text|Kubernetes API port" },
          },
          TEMPLATE: {
            NIC: [{ IP: "172.20.0.10", MAC: "02:00:ac:14:00:0a", NAME: "_NIC0", NETWORK: "service" }],
            NIC_ALIAS: [{ IP: "10.0.0.9", PARENT: "NIC0" }],
          },
        },
      }),
    );
    assert.ok(VmDocumentSchema.safeParse(answer.json()).success);
  });

  test("a VM without NICs still has NIC and NIC_ALIAS arrays", async () => {
    const { backend, call } = world();
    backend.putVm(vm(40, {}, { nics: [] }));
    const doc = (await call(40, "GET", "/vm")).json() as { VM: { TEMPLATE: unknown } };
    assert.deepEqual(doc.VM.TEMPLATE, { NIC: [], NIC_ALIAS: [] });
  });

  test("GET /vms/:id shows a VM of the caller's service, in another role too", async () => {
    // GIVEN master VM 10 and worker VM 20 of service 7
    const { call } = world();
    // WHEN the master reads the worker THEN it sees the worker's IP and template
    const answer = await call(10, "GET", "/vms/20");
    assert.equal(answer.status, 200);
    const doc = VmDocumentSchema.parse(answer.json());
    assert.equal(doc.VM.ID, "20");
    assert.equal(doc.VM.USER_TEMPLATE.ROLE_NAME, "worker");
    assert.equal(doc.VM.TEMPLATE.NIC[0]?.IP, "172.20.0.20");
  });

  test("GET /vms/:id of itself works even for a VM in no service", async () => {
    const { call } = world();
    const answer = await call(40, "GET", "/vms/40");
    assert.equal(answer.status, 200);
    assert.equal(VmDocumentSchema.parse(answer.json()).VM.ID, "40");
  });

  test("GET /vms/:id reads the id as Ruby's to_i does: leading digits, else 0", async () => {
    const { call } = world();
    assert.equal((await call(10, "GET", "/vms/20abc")).status, 200);
    assert.deepEqual(await call(10, "GET", "/vms/abc").then((a) => [a.status, a.body]), [
      400,
      "Service 7 does not contain VM 0.",
    ]);
  });

  test("GET / advertises the VM and service URLs from the request's Host, or the configured base", async () => {
    const plain = world();
    assert.deepEqual((await plain.call(10, "GET", "/")).json(), {
      vm_info: "http://onegate.test:5030/vm",
      service_info: "http://onegate.test:5030/service",
    });
    const behindTls = world({ publicBase: "https://gate.example" });
    assert.deepEqual((await behindTls.call(10, "GET", "/")).json(), {
      vm_info: "https://gate.example/vm",
      service_info: "https://gate.example/service",
    });
  });
});
