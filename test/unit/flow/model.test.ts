import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ConfigError } from "../../../src/errors.js";
import { OneFlowClient, parseAuth } from "../../../src/flow/client.js";
import { appendLog, documentOf, ONEADMIN, poolOf, type ServiceBody } from "../../../src/flow/model.js";
import { rubyToI } from "../../../src/flow/ruby.js";
import { canUndeploy, ROLE_STATE_NAMES, ServiceState, serviceStateName } from "../../../src/flow/states.js";

describe("OneFlow model", () => {
  test("state numbers and names are upstream's", () => {
    assert.equal(ServiceState.FAILED_DEPLOYING, 7);
    assert.equal(ServiceState.DEPLOYING_NETS, 11);
    assert.equal(ServiceState.HOLD, 15);
    assert.equal(serviceStateName(10), "COOLDOWN");
    assert.equal(ROLE_STATE_NAMES[11], "HOLD");
    // Upstream's can_undeploy?: transient (but UNDEPLOYING), DONE and failed states refuse.
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter(canUndeploy), [
      ServiceState.PENDING,
      ServiceState.RUNNING,
      ServiceState.UNDEPLOYING,
      ServiceState.WARNING,
    ]);
  });

  test("a service log keeps its last 50 entries", () => {
    // GIVEN a body with an empty log
    const body = { log: [] } as unknown as ServiceBody;
    // WHEN 60 entries are appended
    for (let i = 0; i < 60; i++) appendLog(body, { timestamp: i, severity: "I", message: `m${i}` });
    // THEN the oldest ten are gone
    assert.equal(body.log.length, 50);
    assert.equal(body.log[0]?.message, "m10");
  });

  test("documents: outer fields are strings, pools always hold an array", () => {
    const doc = documentOf(5, 100, ONEADMIN, { name: "k", state: 2 });
    assert.deepEqual(
      [doc.DOCUMENT.ID, doc.DOCUMENT.UID, doc.DOCUMENT.TYPE, doc.DOCUMENT.NAME],
      ["5", "0", "100", "k"],
    );
    assert.deepEqual(poolOf([doc]).DOCUMENT_POOL.DOCUMENT, [doc.DOCUMENT]);
    assert.deepEqual(poolOf([]), { DOCUMENT_POOL: {} });
  });

  test("Ruby's to_i", () => {
    assert.deepEqual(
      [rubyToI("3"), rubyToI(" 4x"), rubyToI("x"), rubyToI(2.9), rubyToI(undefined), rubyToI("-1")],
      [3, 4, 0, 2, 0, -1],
    );
  });
});

describe("OneFlowClient configuration", () => {
  test("ONEFLOW_URL and ONEFLOW_USER/PASSWORD, or user:password, or the ONE_AUTH file", () => {
    const fromEnv = OneFlowClient.fromEnvironment({ ONEFLOW_USER: "u", ONEFLOW_PASSWORD: "p:w" });
    assert.deepEqual(fromEnv.credentials, { url: "http://localhost:2474", user: "u", password: "p:w" });
    const given = OneFlowClient.fromEnvironment({ ONEFLOW_URL: "http://h:1" }, { auth: "a:b:c" });
    assert.deepEqual(given.credentials, { url: "http://h:1", user: "a", password: "b:c" });
    const file = join(mkdtempSync(join(tmpdir(), "oneflow-")), "one_auth");
    writeFileSync(file, "oneadmin:secret\n");
    assert.equal(OneFlowClient.fromEnvironment({ ONE_AUTH: file }).credentials.password, "secret");
    assert.throws(() => parseAuth("nocolon"), ConfigError);
    assert.throws(
      () => OneFlowClient.fromEnvironment({ ONE_AUTH: join(tmpdir(), "no-such-auth-file") }),
      (e: unknown) => e instanceof ConfigError && e.issues[0]?.param === "ONE_AUTH",
    );
  });
});
