import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VmDocumentSchema } from "../../../src/onegate/protocol.js";
import { form, JSON_TYPE, world } from "./world.js";

const userTemplate = async (w: ReturnType<typeof world>, id: number) =>
  (await w.backend.vm(id))?.userTemplate;

describe("OneGate PUT /vm", () => {
  test("the form the current CLI sends sets attributes: data=...&type=1", async () => {
    // GIVEN VM 10
    const w = world();
    // WHEN it publishes two lines in the CLI's form body
    const answer = await w.call(10, "PUT", "/vm", {
      contentType: form,
      body: "data=ONEKUBE_X%3Dhello+world%5CnY%3D2&type=1",
    });
    // THEN 200 with an empty body, and both are stored
    assert.deepEqual([answer.status, answer.body, answer.contentType], [200, "", JSON_TYPE]);
    assert.equal((await userTemplate(w, 10))?.ONEKUBE_X, "hello world");
    assert.equal((await userTemplate(w, 10))?.Y, "2");
  });

  test("a raw KEY=VALUE body (curl, 6.x CLI) sets attributes, with or without a form content type", async () => {
    const w = world();
    assert.equal((await w.call(10, "PUT", "/vm", { contentType: form, body: "READY=NO" })).status, 200);
    assert.equal((await userTemplate(w, 10))?.READY, "NO");
    assert.equal((await w.call(10, "PUT", "/vm", { body: "ready=AGAIN\\nmsg=a b" })).status, 200);
    assert.equal((await userTemplate(w, 10))?.READY, "AGAIN");
    assert.equal((await userTemplate(w, 10))?.MSG, "a b");
  });

  test("data and type may come in the query string", async () => {
    const w = world();
    assert.equal((await w.call(10, "PUT", "/vm?data=Q%3D1")).status, 200);
    assert.equal((await userTemplate(w, 10))?.Q, "1");
    assert.equal((await w.call(10, "PUT", "/vm?data=Q&type=2")).status, 200);
    assert.equal((await userTemplate(w, 10))?.Q, undefined);
  });

  test("type=2 erases exactly the name given, other attributes stay", async () => {
    // GIVEN VM 10 with READY=YES and another attribute
    const w = world();
    await w.call(10, "PUT", "/vm", { contentType: form, body: "data=KEEP%3D1&type=1" });
    // WHEN READY is erased with the CLI's form
    const answer = await w.call(10, "PUT", "/vm", { contentType: form, body: "data=READY&type=2" });
    // THEN 200, READY is gone and KEEP stays
    assert.deepEqual([answer.status, answer.body], [200, ""]);
    assert.deepEqual(await userTemplate(w, 10), { SERVICE_ID: "7", ROLE_NAME: "master", KEEP: "1" });
  });

  test("setting replaces an attribute of the same name and keeps the others", async () => {
    const w = world();
    await w.call(10, "PUT", "/vm", { body: "READY=NO" });
    assert.deepEqual(await userTemplate(w, 10), { SERVICE_ID: "7", ROLE_NAME: "master", READY: "NO" });
  });

  test("a value one VM publishes is read by another VM of the same service", async () => {
    // GIVEN the first master publishes a join token
    const w = world();
    await w.call(10, "PUT", "/vm", {
      contentType: form,
      body: "data=ONEGATE_K8S_TOKEN%3Dabcdef.0123456789abcdef&type=1",
    });
    // WHEN the worker reads the master
    const answer = await w.call(20, "GET", "/vms/10");
    // THEN it sees the value
    assert.equal(
      VmDocumentSchema.parse(answer.json()).VM.USER_TEMPLATE.ONEGATE_K8S_TOKEN,
      "abcdef.0123456789abcdef",
    );
  });

  test("PUT /vms/:id writes another VM of the service, as upstream allows", async () => {
    const w = world();
    const answer = await w.call(20, "PUT", "/vms/11", {
      contentType: form,
      body: "data=MARK%3Dby-worker&type=1",
    });
    assert.deepEqual([answer.status, answer.body], [200, ""]);
    assert.equal((await userTemplate(w, 11))?.MARK, "by-worker");
  });

  test("restricted names are refused with 403 and nothing changes", async () => {
    const w = world();
    const set = await w.call(10, "PUT", "/vm", { body: "READY=NO\nservice_id=8" });
    assert.deepEqual([set.status, set.body], [403, "Attribute (service_id) cannot be modified"]);
    assert.equal((await userTemplate(w, 10))?.READY, "YES");
    const erase = await w.call(10, "PUT", "/vm", { contentType: form, body: "data=ROLE_NAME&type=2" });
    assert.deepEqual([erase.status, erase.body], [403, "Attribute (ROLE_NAME) cannot be deleted"]);
  });

  test("values real OneGate would corrupt are refused with 500 and a hint to base64-encode", async () => {
    const w = world();
    for (const body of ["IPS=10.0.0.1,10.0.0.2", 'Q=a"b', "B=a\\b", "V=[A=1]", "E="]) {
      const answer = await w.call(10, "PUT", "/vm", {
        contentType: form,
        body: `data=${encodeURIComponent(body)}&type=1`,
      });
      assert.equal(answer.status, 500, body);
      assert.match(answer.body, /base64-encoded/, body);
    }
    assert.deepEqual(Object.keys((await userTemplate(w, 10)) ?? {}), ["SERVICE_ID", "ROLE_NAME", "READY"]);
  });
});
