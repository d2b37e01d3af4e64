import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { CloudError, ConfigError, UsageError } from "../../../src/errors.js";
import { OneGateClient } from "../../../src/onegate/client.js";
import type { RetryOptions } from "../../../src/onegate/client-http.js";
import { attribute } from "../../../src/onegate/client-values.js";
import type { OneGateApp } from "../../../src/onegate/server.js";
import { decodeValue, encodeValue } from "../../../src/onegate/values.js";
import { world } from "./world.js";

const ENDPOINT = "http://169.254.16.9:5030";

/** A fetch that answers from the app in-process, recording what was sent. */
function inProcess(app: OneGateApp, sent: Request[] = []): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    sent.push(request.clone());
    return app.fetch(request);
  };
}

function clientFor(w: ReturnType<typeof world>, vmId: number, options: RetryOptions = {}) {
  return new OneGateClient(
    { endpoint: ENDPOINT, vmId, token: w.backend.tokenFor(vmId) },
    { fetch: inProcess(w.app), ...options },
  );
}

const noSleep = { sleep: async () => {} };

describe("OneGateClient", () => {
  test("reads ONEGATE_ENDPOINT, VMID and TOKENTXT, or the token file", () => {
    const client = OneGateClient.fromEnvironment({
      ONEGATE_ENDPOINT: ENDPOINT,
      VMID: "10",
      TOKENTXT: "tok\n",
    });
    assert.deepEqual(client.credentials, { endpoint: ENDPOINT, vmId: 10, token: "tok" });
    const file = join(mkdtempSync(join(tmpdir(), "onegate-")), "token.txt");
    writeFileSync(file, "from-file\n");
    const fromFile = OneGateClient.fromEnvironment(
      { ONEGATE_ENDPOINT: ENDPOINT, VMID: "10" },
      { tokenFile: file },
    );
    assert.equal(fromFile.credentials.token, "from-file");
  });

  test("reports every missing variable at once", () => {
    assert.throws(
      () => OneGateClient.fromEnvironment({ VMID: "ten" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.issues.map((i) => i.param).join(",") === "ONEGATE_ENDPOINT,VMID,TOKENTXT" &&
        e.issues[1]?.value === "ten",
    );
  });

  test("vm, vmById and service answer typed values", async () => {
    // GIVEN the worker's client
    const w = world();
    const worker = clientFor(w, 20);
    // WHEN it asks for itself, a master and its service
    const self = await worker.vm();
    const master = await worker.vmById(10);
    const service = await worker.service();
    // THEN numbers are numbers and the template is there
    assert.deepEqual(
      [self.id, self.state, self.lcmState, attribute(self, "ROLE_NAME")],
      [20, 3, 3, "worker"],
    );
    assert.equal(master.nics[0]?.IP, "172.20.0.10");
    assert.equal(attribute(master, "READY"), "YES");
    assert.deepEqual(
      service.roles.map((r) => [r.name, r.cardinality, r.nodes.map((n) => n.deployId)]),
      [
        ["master", 2, [10, 11]],
        ["worker", 1, [20]],
      ],
    );
    assert.equal(service.id, 7);
    assert.equal((await worker.service({ extended: true })).roles[0]?.nodes[0]?.vmInfo.STATE, "3");
  });

  test("update sends the CLI's form and a peer reads the values; erase removes one", async () => {
    const w = world();
    const sent: Request[] = [];
    const master = new OneGateClient(
      { endpoint: ENDPOINT, vmId: 10, token: w.backend.tokenFor(10) },
      { fetch: inProcess(w.app, sent) },
    );
    // WHEN the master publishes a value needing encoding and a plain one
    const caData = "-----BEGIN CERTIFICATE-----\nMIIB,xyz\n-----END CERTIFICATE-----\n";
    await master.update({ ONEKUBE_CA: encodeValue(caData), ONEKUBE_PORT: "6443" });
    // THEN the request is the form the upstream CLI sends
    const put = sent[0];
    assert.equal(put?.headers.get("content-type"), "application/x-www-form-urlencoded");
    const body = new URLSearchParams(await put.text());
    assert.equal(body.get("type"), "1");
    assert.equal(body.get("data"), `ONEKUBE_CA=${encodeValue(caData)}\nONEKUBE_PORT=6443`);
    // AND a worker reads them back from the master
    const seen = await clientFor(w, 20).vmById(10);
    assert.equal(decodeValue(attribute(seen, "ONEKUBE_CA") ?? ""), caData);
    assert.equal(attribute(seen, "ONEKUBE_PORT"), "6443");
    await master.erase("ONEKUBE_PORT");
    assert.equal(attribute(await master.vm(), "ONEKUBE_PORT"), undefined);
  });

  test("update refuses, before sending, values and names OneGate would corrupt", async () => {
    const w = world();
    const sent: Request[] = [];
    const client = new OneGateClient(
      { endpoint: ENDPOINT, vmId: 10, token: "t" },
      { fetch: inProcess(w.app, sent) },
    );
    await assert.rejects(
      client.update({ IPS: "10.0.0.1,10.0.0.2" }),
      (e: unknown) => e instanceof UsageError && /base64/.test(e.message),
    );
    await assert.rejects(client.update({ ready: "YES" }), UsageError);
    assert.equal(sent.length, 0);
  });

  test("scale asks for the role's new cardinality", async () => {
    const w = world();
    await clientFor(w, 10).scale("worker", 3);
    assert.deepEqual(w.backend.scaleRequests, [{ serviceId: 7, role: "worker", cardinality: 3 }]);
  });

  test("a refusal is a CloudError with operation, endpoint, status and body, tried once", async () => {
    const w = world();
    let calls = 0;
    const counting: typeof fetch = async (input, init) => {
      calls++;
      return w.app.fetch(new Request(input, init));
    };
    const client = clientFor(w, 10, { fetch: counting, ...noSleep });
    await assert.rejects(client.vmById(30), (e: unknown) => {
      assert.ok(e instanceof CloudError);
      assert.deepEqual(
        [e.operation, e.endpoint, e.status, e.body],
        ["onegate vm show 30", `GET ${ENDPOINT}/vms/30`, 400, "Service 7 does not contain VM 30."],
      );
      return true;
    });
    assert.equal(calls, 1);
  });

  test("connection failures and 502/503/504 are retried with a growing pause; OneGate's own 500 is not", async () => {
    const w = world();
    const pauses: number[] = [];
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls <= 2) throw new TypeError("fetch failed");
      return w.app.fetch(new Request(input, init));
    };
    // GIVEN two connection failures WHEN reading THEN the third try answers, after 100 then 200 ms
    const client = clientFor(w, 10, {
      fetch: flaky,
      retryDelayMs: 100,
      sleep: async (ms) => void pauses.push(ms),
    });
    assert.equal((await client.vm()).id, 10);
    assert.deepEqual(pauses, [100, 200]);
    // GIVEN an erase OneGate answers 500 THEN it is reported at once: it would say the same again
    calls = 10;
    const erase = clientFor(w, 10, { fetch: flaky, retries: 2, ...noSleep });
    await assert.rejects(
      erase.erase("NOPE"),
      (e: unknown) => e instanceof CloudError && e.status === 500 && e.body === "attribute not found",
    );
    assert.equal(calls, 11);
    // GIVEN a proxy in front answering 503 twice THEN the third try gets through
    let proxied = 0;
    const busy: typeof fetch = async (input, init) =>
      ++proxied <= 2 ? new Response("busy", { status: 503 }) : w.app.fetch(new Request(input, init));
    assert.equal((await clientFor(w, 10, { fetch: busy, retries: 3, ...noSleep }).vm()).id, 10);
    assert.equal(proxied, 3);
    // GIVEN nothing listening THEN a CloudError without status, keeping the cause
    const down = clientFor(w, 10, {
      fetch: async () => Promise.reject(new TypeError("ECONNREFUSED")),
      retries: 1,
      ...noSleep,
    });
    await assert.rejects(
      down.vm(),
      (e: unknown) => e instanceof CloudError && e.status === undefined && e.cause instanceof TypeError,
    );
  });

  test("an answer that is not OneGate's document is a CloudError saying what is wrong", async () => {
    const bad: typeof fetch = async () => new Response(JSON.stringify({ VM: { ID: 10 } }));
    const client = new OneGateClient({ endpoint: ENDPOINT, vmId: 10, token: "t" }, { fetch: bad });
    await assert.rejects(
      client.vm(),
      (e: unknown) => e instanceof CloudError && /unexpected answer: VM\.NAME/.test(e.body),
    );
  });
});
