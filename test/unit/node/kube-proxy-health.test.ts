import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { kubeProxySynced } from "../../../src/node/health.js";

// What kube-proxy v1.36.3 (nftables, dual-stack) answered on a worker of a local service, once synced.
const SYNCED =
  '{"lastUpdated":"2026-12-07T17:47:33.736646135Z","currentTime":"2026-12-07T17:47:33.73644983Z","nodeEligible":true,"healthy":true,"status":{"IPv4":{"lastUpdated":"2026-12-07T17:47:28.653436548Z","healthy":true},"IPv6":{"lastUpdated":"2026-12-07T17:47:24.587873283Z","healthy":true}}}';

describe("kubeProxySynced", () => {
  test("a proxier with a completed sync in `status`: synced", () => {
    assert.equal(kubeProxySynced(SYNCED), true);
  });

  test("before the first sync (200, top-level lastUpdated set to now, no `status`): not synced", () => {
    // kube-proxy fills the top-level lastUpdated with the current time on every 200 answer,
    // so only the per-family entries tell a sync happened (pkg/proxy/healthcheck).
    const starting = JSON.parse(SYNCED) as Record<string, unknown>;
    delete starting.status;
    assert.equal(kubeProxySynced(JSON.stringify(starting)), false);
  });

  test("one family synced is enough; a zero time is not a sync", () => {
    const half = JSON.parse(SYNCED) as { status: Record<string, { lastUpdated: string }> };
    half.status.IPv6 = { ...half.status.IPv4, lastUpdated: "0001-01-01T00:00:00Z" };
    assert.equal(kubeProxySynced(JSON.stringify(half)), true);
    half.status.IPv4 = { ...half.status.IPv6 };
    assert.equal(kubeProxySynced(JSON.stringify(half)), false);
  });

  test("anything that is not kube-proxy's JSON: not synced", () => {
    for (const body of ["", "ok", "null", "[]", '{"status":null}', '{"status":{"IPv4":null}}'])
      assert.equal(kubeProxySynced(body), false, body);
  });
});
