import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseLoadBalancerConfig } from "../../../src/params/loadbalancer.js";
import type { KubeObject, LoadBalancerSource } from "../../../src/params/types.js";
import { loadManifest, renderCanal } from "../../../src/render/canal.js";
import { renderLonghornStorageClasses, withLonghornDefaultClass } from "../../../src/render/longhorn.js";
import { renderMetalLb, renderMetalLbLegacyConfigMap } from "../../../src/render/metallb.js";
import { SHARED_DIR } from "../../helpers/golden.js";
import { validateKubeObjects } from "../../helpers/kube-schema.js";

const upstream = (file: string) => loadManifest(readFileSync(join(SHARED_DIR, "upstream", file), "utf8"));

function legacy(config: string): LoadBalancerSource {
  const parsed = parseLoadBalancerConfig(Buffer.from(config).toString("base64"));
  assert.ok(parsed.ok);
  return parsed.value;
}

const SOURCES: Record<string, LoadBalancerSource> = {
  range: { kind: "range", addresses: ["172.16.100.124-172.16.100.128", "10.9.0.0/24"] },
  layer2: legacy(
    "address-pools:\n- {name: a, protocol: layer2, addresses: [10.1.0.0/24], auto-assign: false}\n",
  ),
  bgp: legacy(`peers:
- {peer-address: 10.0.0.1, peer-asn: 64501, my-asn: 64500, peer-port: 1179, source-address: 10.0.0.5,
   router-id: 10.0.0.5, hold-time: 90s, password: pw}
address-pools:
- name: b
  protocol: bgp
  avoid-buggy-ips: true
  addresses: [10.2.0.0/24]
  bgp-advertisements: [{aggregation-length: 32, localpref: 100, communities: ["64512:1"]}]
`),
  resources: legacy(`apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: pool}
spec: {addresses: [10.1.0.0/24], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2}
spec: {ipAddressPools: [pool], interfaces: [eth1]}
`),
};

describe("validateKubeObjects: what our renderers return", () => {
  it("accepts the patched Canal manifest", async () => {
    const objects = renderCanal(upstream("canal-v3.32.1.yaml"), { address: "10.244.0.0", prefix: 16 });
    assert.deepEqual(await validateKubeObjects(objects), []);
  });

  it("accepts the storage classes and the patched Longhorn manifest", async () => {
    const objects = [
      ...renderLonghornStorageClasses(),
      ...withLonghornDefaultClass(upstream("longhorn-v1.12.1.yaml")),
    ];
    assert.deepEqual(await validateKubeObjects(objects), []);
  });

  for (const [name, source] of Object.entries(SOURCES)) {
    it(`accepts the MetalLB objects of a ${name} source`, async () => {
      const objects: KubeObject[] = renderMetalLb(source);
      if (source.kind !== "resources") objects.push(renderMetalLbLegacyConfigMap(source));
      assert.deepEqual(await validateKubeObjects(objects), []);
    });
  }
});

describe("validateKubeObjects: it bites", () => {
  const [longhorn] = renderLonghornStorageClasses();

  it("rejects a value of the wrong type", async () => {
    // GIVEN a StorageClass whose reclaimPolicy is a number WHEN validated THEN the field is named
    const errors = await validateKubeObjects([{ ...longhorn, reclaimPolicy: 5 }]);
    assert.deepEqual(errors, ["StorageClass/longhorn: /reclaimPolicy: must be string"]);
  });

  it("rejects a misspelled field, at any depth", async () => {
    const errors = await validateKubeObjects([
      { ...longhorn, reclaimPolcy: "Delete" },
      { ...longhorn, metadata: { name: "x", annotation: {} } },
    ]);
    assert.deepEqual(errors, [
      'StorageClass/longhorn: /: unknown field "reclaimPolcy"',
      'StorageClass/x: /metadata: unknown field "annotation"',
    ]);
  });

  it("checks custom resources against their CRD, metadata included", async () => {
    const pool = {
      apiVersion: "metallb.io/v1beta1",
      kind: "IPAddressPool",
      metadata: { name: "p", namespace: "n" },
    };
    const errors = await validateKubeObjects([
      { ...pool, spec: { addresses: "10.0.0.0/24" } },
      { ...pool, spec: { addresses: ["10.0.0.0/24"], autoAsign: true } },
      { ...pool, metadata: { name: "p", labels: { a: 1 } }, spec: { addresses: [] } },
    ]);
    assert.deepEqual(errors, [
      "IPAddressPool/p: /spec/addresses: must be array",
      'IPAddressPool/p: /spec: unknown field "autoAsign"',
      "IPAddressPool/p: /metadata/labels/a: must be string",
    ]);
  });

  it("rejects kinds it has no schema for, rather than calling them valid", async () => {
    const errors = await validateKubeObjects([
      { apiVersion: "metallb.io/v1beta3", kind: "IPAddressPool", metadata: { name: "p" } },
      { apiVersion: "v1", kind: "Pod2", metadata: { name: "q" } },
    ]);
    assert.deepEqual(errors, [
      "IPAddressPool/p: unknown kind IPAddressPool in apiVersion metallb.io/v1beta3",
      "Pod2/q: unknown kind Pod2 in apiVersion v1",
    ]);
  });

  it("checks integer formats", async () => {
    const errors = await validateKubeObjects([
      {
        apiVersion: "metallb.io/v1beta1",
        kind: "BGPAdvertisement",
        metadata: { name: "a" },
        spec: { localPref: 2 ** 32 },
      },
    ]);
    assert.deepEqual(errors, ['BGPAdvertisement/a: /spec/localPref: must match format "int32"']);
  });
});
