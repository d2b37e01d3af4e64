import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { KubeApiError } from "../../../src/k8s/client.js";
import { classify, withRetry } from "../../../src/k8s/retry.js";

const policy = { transientMs: 300, webhookMs: 0, initialDelayMs: 10, maxDelayMs: 20 };

describe("classify", () => {
  test("what is worth another try", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), { code: "ECONNREFUSED" });
    assert.equal(classify(refused), "transient");
    assert.equal(classify(new KubeApiError(503, "ServiceUnavailable", "x")), "transient");
    assert.equal(classify(new KubeApiError(429, "TooManyRequests", "x")), "transient");
    assert.equal(
      classify(new KubeApiError(404, "NotFound", "the server could not find the requested resource")),
      "transient",
    );
    assert.equal(classify(new KubeApiError(404, "NotFound", 'configmaps "x" not found')), "permanent");
    assert.equal(classify(new KubeApiError(422, "Invalid", "x is invalid")), "permanent");
    assert.equal(
      classify(
        new KubeApiError(500, "InternalError", 'failed calling webhook "a.metallb.io": connection refused'),
      ),
      "webhook",
    );
  });
});

describe("withRetry", () => {
  test("retries a transient failure until it succeeds", async () => {
    let calls = 0;
    const value = await withRetry(async () => {
      calls += 1;
      if (calls < 3) throw new KubeApiError(503, "", "busy");
      return "done";
    }, policy);
    assert.deepEqual([value, calls], ["done", 3]);
  });

  test("gives up at once on a permanent failure, and after its bound on a transient one", async () => {
    let calls = 0;
    const invalid = new KubeApiError(422, "Invalid", "bad");
    await assert.rejects(
      withRetry(async () => {
        calls += 1;
        throw invalid;
      }, policy),
      invalid,
    );
    assert.equal(calls, 1);
    const start = Date.now();
    await assert.rejects(
      withRetry(() => Promise.reject(new KubeApiError(500, "", "down")), policy),
      /down/,
    );
    assert.ok(Date.now() - start < 1_000);
  });
});
