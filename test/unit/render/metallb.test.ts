import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseLoadBalancerConfig } from "../../../src/params/loadbalancer.js";
import type { KubeObject, LoadBalancerSource } from "../../../src/params/types.js";
import { parseParams } from "../../../src/params/validate.js";
import { renderMetalLb, renderMetalLbLegacyConfigMap } from "../../../src/render/metallb.js";
import { toYaml, toYamlStream } from "../../../src/render/yaml.js";
import { REFERENCE_ARP_CONFIGMAP } from "../../helpers/fixtures.js";
import { assertGolden } from "../../helpers/golden.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

const ARP_EXAMPLE = REFERENCE_ARP_CONFIGMAP;

const BGP_CONFIG = `peers:
- {peer-address: 10.0.0.1, peer-asn: 64501, my-asn: 64500, peer-port: 1179, hold-time: 90s, password: s3cret}
- {peer-address: 10.0.0.2, peer-asn: 64502, my-asn: 64500}
address-pools:
- name: announced
  protocol: bgp
  avoid-buggy-ips: true
  addresses: [192.168.10.0/24]
  bgp-advertisements:
  - {aggregation-length: 32, localpref: 100, communities: ["64512:1"]}
  - {aggregation-length: 24}
- {name: plain, protocol: bgp, auto-assign: false, addresses: [192.168.20.0/24]}
`;

/** A load-balancer source exactly as the user gives it, through the real parameter parser. */
function sourceFrom(params: Record<string, string>): LoadBalancerSource {
  const parsed = parseParams({ ONEAPP_VNF_LB0_IP: "10.0.0.100", ...params });
  assert.ok(parsed.ok, JSON.stringify(parsed.ok ? [] : parsed.issues));
  assert.ok(parsed.config.loadBalancer);
  return parsed.config.loadBalancer;
}

/** The legacy layer2 pool "default" that a range stands for. */
const rangeAsLegacy = (addresses: readonly string[]): LoadBalancerSource => ({
  kind: "legacy",
  pools: [
    {
      name: "default",
      protocol: "layer2",
      addresses,
      autoAssign: true,
      avoidBuggyIPs: false,
      bgpAdvertisements: [],
    },
  ],
  peers: [],
});

const summary = (objects: readonly KubeObject[]) =>
  objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`);

describe("renderMetalLb", () => {
  it("turns the reference's ARP example into one pool holding the three ranges", () => {
    // GIVEN the ARP ConfigMap, base64-encoded as ONEAPP_K8S_LOADBALANCER_CONFIG
    const source = sourceFrom({ ONEAPP_K8S_LOADBALANCER_CONFIG: b64(ARP_EXAMPLE) });
    // WHEN rendered
    const objects = renderMetalLb(source);
    // THEN a layer2 pool "default" with the three ranges, advertised by an L2Advertisement
    assert.deepEqual(summary(objects), [
      "metallb.io/v1beta1 IPAddressPool/default",
      "metallb.io/v1beta1 L2Advertisement/default",
    ]);
    assert.deepEqual((objects[0]?.spec as { addresses?: string[] } | undefined)?.addresses, [
      "172.16.100.200-172.16.100.250",
      "172.16.101.200-172.16.101.250",
      "172.16.102.200-172.16.102.250",
    ]);
    assert.deepEqual(objects[1]?.spec, { ipAddressPools: ["default"] });
    assertGolden("metallb/arp-example.yaml", toYamlStream(objects));
  });

  it("turns a BGP legacy config into pools, advertisements and peers", () => {
    const objects = renderMetalLb(sourceFrom({ ONEAPP_K8S_LOADBALANCER_CONFIG: b64(BGP_CONFIG) }));
    assert.deepEqual(summary(objects), [
      "metallb.io/v1beta1 IPAddressPool/announced",
      "metallb.io/v1beta1 BGPAdvertisement/announced-1",
      "metallb.io/v1beta1 BGPAdvertisement/announced-2",
      "metallb.io/v1beta1 IPAddressPool/plain",
      "metallb.io/v1beta1 BGPAdvertisement/plain",
      "metallb.io/v1beta2 BGPPeer/peer-10-0-0-1",
      "metallb.io/v1beta2 BGPPeer/peer-10-0-0-2",
    ]);
    assert.deepEqual(objects[1]?.spec, {
      ipAddressPools: ["announced"],
      aggregationLength: 32,
      localPref: 100,
      communities: ["64512:1"],
    });
    // A pool without bgp-advertisements is still announced, once, as is.
    assert.deepEqual(objects[4]?.spec, { ipAddressPools: ["plain"] });
    assert.deepEqual(objects[5]?.spec, {
      myASN: 64500,
      peerASN: 64501,
      peerAddress: "10.0.0.1",
      peerPort: 1179,
      holdTime: "90s",
      password: "s3cret",
    });
    assertGolden("metallb/bgp-legacy.yaml", toYamlStream(objects));
  });

  it("turns ONEAPP_K8S_LOADBALANCER_RANGE into a layer2 pool", () => {
    const objects = renderMetalLb(
      sourceFrom({ ONEAPP_K8S_LOADBALANCER_RANGE: "172.16.100.124-172.16.100.128" }),
    );
    assert.deepEqual(objects[0]?.spec, { addresses: ["172.16.100.124-172.16.100.128"] });
    assertGolden("metallb/range.yaml", toYamlStream(objects));
  });

  it("passes custom resources through, defaulting only their namespace", () => {
    // GIVEN resources, one without a namespace and one in another namespace
    const resources = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: pool}
spec: {addresses: [10.1.0.0/24]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2, namespace: elsewhere}
spec: {interfaces: [eth1]}
`;
    const source = sourceFrom({ ONEAPP_K8S_LOADBALANCER_CONFIG: b64(resources) });
    // WHEN rendered THEN they come back unchanged apart from the defaulted namespace
    const objects = renderMetalLb(source);
    assert.ok(source.kind === "resources");
    assert.deepEqual(
      objects.map((o) => o.metadata),
      [
        { name: "pool", namespace: "metallb-system" },
        { name: "l2", namespace: "elsewhere" },
      ],
    );
    const withoutMetadata = (o: KubeObject) => ({ ...o, metadata: undefined });
    assert.deepEqual(objects.map(withoutMetadata), source.objects.map(withoutMetadata));
    assert.equal(source.objects[0]?.metadata.namespace, undefined, "the input is not mutated");
  });
});

describe("renderMetalLbLegacyConfigMap", () => {
  it("prints a range as the reference's `kubectl describe configmap config` shows it", () => {
    const configMap = renderMetalLbLegacyConfigMap({
      kind: "range",
      addresses: ["172.16.100.124-172.16.100.128"],
    });
    assert.deepEqual(configMap.metadata, { name: "config", namespace: "metallb-system" });
    assert.equal(
      (configMap.data as { config: string }).config,
      "address-pools:\n- name: default\n  protocol: layer2\n  addresses:\n  - 172.16.100.124-172.16.100.128\n",
    );
  });

  for (const [name, params] of [
    ["arp", { ONEAPP_K8S_LOADBALANCER_CONFIG: b64(ARP_EXAMPLE) }],
    ["bgp", { ONEAPP_K8S_LOADBALANCER_CONFIG: b64(BGP_CONFIG) }],
    ["range", { ONEAPP_K8S_LOADBALANCER_RANGE: "10.2.0.0/24 10.3.0.1-10.3.0.9" }],
  ] as const) {
    it(`round-trips the ${name} source through the legacy ConfigMap`, () => {
      // GIVEN a source WHEN printed as the legacy ConfigMap and parsed back by the parameter parser
      const source = sourceFrom(params);
      const configMap = renderMetalLbLegacyConfigMap(source);
      const reparsed = parseLoadBalancerConfig(b64(toYaml(configMap)));
      // THEN the pools and peers are the same (a range is the layer2 pool "default" it stands for)
      const expected = source.kind === "range" ? rangeAsLegacy(source.addresses) : source;
      assert.ok(reparsed.ok, reparsed.ok ? "" : reparsed.errors.join("; "));
      assert.deepEqual(reparsed.value, expected);
      assertGolden(`metallb/legacy-configmap-${name}.yaml`, toYaml(configMap));
    });
  }

  it("refuses custom resources, which MetalLB < 0.13 cannot read", () => {
    assert.throws(
      () => renderMetalLbLegacyConfigMap({ kind: "resources", objects: [] }),
      /no legacy ConfigMap form/,
    );
  });
});
