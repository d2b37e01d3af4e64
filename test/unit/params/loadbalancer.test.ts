import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseLoadBalancerConfig } from "../../../src/params/loadbalancer.js";
import { REFERENCE_ARP_CONFIGMAP } from "../../helpers/fixtures.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("ONEAPP_K8S_LOADBALANCER_CONFIG", () => {
  test("reads the reference's ARP ConfigMap into one layer2 pool with three ranges", () => {
    const parsed = parseLoadBalancerConfig(b64(REFERENCE_ARP_CONFIGMAP));
    assert.ok(parsed.ok);
    assert.equal(parsed.value.kind, "legacy");
    assert.ok(parsed.value.kind === "legacy");
    assert.deepEqual(
      parsed.value.pools.map((p) => [p.name, p.protocol, p.addresses]),
      [
        [
          "default",
          "layer2",
          ["172.16.100.200-172.16.100.250", "172.16.101.200-172.16.101.250", "172.16.102.200-172.16.102.250"],
        ],
      ],
    );
  });

  test("reads a bare legacy config and a BGP pool with its peer", () => {
    const text =
      "peers:\n- peer-address: 10.0.0.1\n  peer-asn: 64501\n  my-asn: 64500\naddress-pools:\n- name: bgp\n  protocol: bgp\n  addresses: [192.168.10.0/24]\n";
    const parsed = parseLoadBalancerConfig(b64(text));
    assert.ok(parsed.ok && parsed.value.kind === "legacy");
    assert.deepEqual(parsed.value.peers, [{ peerAddress: "10.0.0.1", peerAsn: 64501, myAsn: 64500 }]);
  });

  test("reads MetalLB custom resources as they are", () => {
    const text =
      "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p, namespace: metallb-system}\nspec: {addresses: [10.9.0.0/28]}\n---\napiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: l2}\n";
    const parsed = parseLoadBalancerConfig(b64(text));
    assert.ok(parsed.ok && parsed.value.kind === "resources");
    assert.deepEqual(
      parsed.value.objects.map((o) => o.kind),
      ["IPAddressPool", "L2Advertisement"],
    );
  });

  const refused: [string, string, RegExp][] = [
    ["bad base64", "%%%", /not valid base64/],
    ["bad YAML", b64("a: [1, 2\n"), /invalid YAML/],
    ["unknown shape", b64("kind: Deployment\napiVersion: apps/v1\nmetadata: {name: x}\n"), /unknown shape/],
    [
      "a bgp pool without peers",
      b64("address-pools:\n- name: b\n  protocol: bgp\n  addresses: [10.0.0.0/24]\n"),
      /needs at least one entry in peers/,
    ],
    [
      "a bad range inside a pool",
      b64("address-pools:\n- name: a\n  protocol: layer2\n  addresses: [10.0.0.9-10.0.0.1]\n"),
      /starts after it ends/,
    ],
    [
      "an unknown protocol",
      b64("address-pools:\n- name: a\n  protocol: arp\n  addresses: [10.0.0.0/24]\n"),
      /protocol/,
    ],
    [
      "resources without a pool",
      b64("apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: l2}\n"),
      /no IPAddressPool/,
    ],
  ];
  for (const [title, input, message] of refused) {
    test(`refuses ${title}, saying which`, () => {
      const parsed = parseLoadBalancerConfig(input);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? "" : parsed.errors.join("\n"), message);
    });
  }
});
