import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  freshest,
  KEY_TTL_MS,
  MATERIAL_KEYS,
  materialAttributes,
  materialOf,
  type PublishedMaterial,
  TOKEN_TTL_MS,
  usable,
} from "../../../src/agent/k8s/material.js";
import { ETCD_MEMBER_KEY, etcdTurn } from "../../../src/agent/phases/k8s-join.js";
import type { OneGateVm } from "../../../src/onegate/client-values.js";

const T0 = Date.parse("2026-11-25T10:00:00Z");
const material = (n: number, mintedAt = T0): PublishedMaterial => ({
  master: `10.0.0.${n}`,
  token: `abcde${n}.0123456789abcdef`,
  caCertHash: "a".repeat(64),
  certificateKey: String(n).repeat(64),
  tokenExpires: mintedAt + TOKEN_TTL_MS,
  keyExpires: mintedAt + KEY_TTL_MS,
});
const vm = (id: number, attrs: Record<string, string>): OneGateVm => ({
  id,
  name: `master_${id}`,
  state: 3,
  lcmState: 3,
  userTemplate: attrs,
  nics: [],
  nicAliases: [],
});

describe("join material on OneGate", () => {
  it("is published under the kubeadm-era OneKE names and read back whole", () => {
    const m = material(1);
    const attrs = materialAttributes(m);
    assert.equal(attrs[MATERIAL_KEYS.token], m.token);
    assert.equal(attrs[MATERIAL_KEYS.caCertHash], m.caCertHash, "hex, no sha256: prefix");
    assert.equal(attrs.ONEGATE_K8S_KEY, m.certificateKey);
    assert.equal(attrs.ONEKUBE_K8S_KEY_EXPIRES, "2026-11-25T12:00:00.000Z");
    assert.deepEqual(materialOf(vm(1, attrs)), m);
  });

  it("is absent while any part is missing or its expiry unreadable", () => {
    const attrs = materialAttributes(material(1));
    for (const key of Object.values(MATERIAL_KEYS)) {
      const { [key]: _, ...rest } = attrs;
      assert.equal(materialOf(vm(1, rest)), undefined, key);
    }
    assert.equal(materialOf(vm(1, { ...attrs, [MATERIAL_KEYS.keyExpires]: "soon" })), undefined);
  });

  it("is taken from the master that minted last", () => {
    const old = material(1, T0);
    const renewed = material(2, T0 + 3 * 3600_000);
    const chosen = freshest([vm(1, materialAttributes(old)), vm(2, materialAttributes(renewed)), vm(3, {})]);
    assert.deepEqual(chosen, renewed);
  });

  it("three hours after init: the certificate key is spent for a control plane, the token still good for a worker", () => {
    const m = material(1, T0);
    const later = T0 + 3 * 3600_000;
    const margin = 5 * 60_000;
    assert.equal(usable(m, true, T0 + 60_000, margin), true);
    assert.equal(usable(m, true, later, margin), false);
    assert.equal(usable(m, false, later, margin), true);
    assert.equal(usable(m, false, T0 + 25 * 3600_000, margin), false);
  });
});

describe("etcd's turn for a joining master", () => {
  it("comes once every older master's member is in: it initialised, said so, or is READY", () => {
    const init = vm(2, materialAttributes(material(2)));
    // master 3 prepares beside master 4; 4's etcd member waits for 3's
    assert.equal(etcdTurn([init, vm(3, {}), vm(4, {})], 3), undefined);
    assert.match(etcdTurn([init, vm(3, {}), vm(4, {})], 4) ?? "", /masters 3 have no etcd member yet/);
    assert.equal(etcdTurn([init, vm(3, { [ETCD_MEMBER_KEY]: "YES" }), vm(4, {})], 4), undefined);
    assert.equal(etcdTurn([init, vm(3, { READY: "YES" }), vm(4, {})], 4), undefined);
    // a reset took the member out again
    assert.ok(etcdTurn([init, vm(3, { [ETCD_MEMBER_KEY]: "NO" }), vm(4, {})], 4));
  });
});
