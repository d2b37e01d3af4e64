import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderRouter4, renderRouter4Off } from "../../../src/render/vnf-router4.js";
import { assertGolden } from "../../helpers/golden.js";

const asText = (sysctls: readonly { key: string; value: string }[]) =>
  sysctls.map((s) => `${s.key}=${s.value}`);

describe("renderRouter4", () => {
  test("a list: global forwarding off first, then on for the listed NICs and off for the others", () => {
    // GIVEN forwarding between eth0 and eth1 on a three-NIC VNF WHEN rendered
    const r = renderRouter4({ interfaces: ["eth0", "eth1"], nics: ["eth0", "eth1", "eth2"] });
    // THEN ip_forward=0 comes first (changing it resets every interface), then per-NIC values
    assert.deepEqual(asText(r.sysctls), [
      "net.ipv4.ip_forward=0",
      "net.ipv4.conf.default.forwarding=0",
      "net.ipv4.conf.eth0.forwarding=1",
      "net.ipv4.conf.eth1.forwarding=1",
      "net.ipv4.conf.eth2.forwarding=0",
    ]);
    // AND a forward chain drops all but listed -> listed, in its own table
    assert.ok(r.nftables);
    assert.equal(r.nftables.name, "onekube_router4");
    assert.equal(r.nftables.file.path, "vnf/router4.nft");
    assertGolden("vnf/router4-eth0-eth1.nft", r.nftables.file.content);
    assert.match(r.nftables.listing, /type filter hook forward priority filter; policy drop;/);
    assert.match(
      r.nftables.listing,
      /^\t\tiifname \{ "eth0", "eth1" \} oifname \{ "eth0", "eth1" \} accept$/m,
    );
  });

  test("no list: forwarding on everywhere and no filter table", () => {
    // GIVEN ROUTER4 with no interfaces WHEN rendered
    const r = renderRouter4({ interfaces: [], nics: ["eth0", "eth1"] });
    // THEN every interface forwards, and there is nothing to filter
    assert.deepEqual(asText(r.sysctls), [
      "net.ipv4.ip_forward=1",
      "net.ipv4.conf.default.forwarding=1",
      "net.ipv4.conf.eth0.forwarding=1",
      "net.ipv4.conf.eth1.forwarding=1",
    ]);
    assert.equal(r.nftables, undefined);
  });

  test("a single interface is matched by name, not a set", () => {
    // GIVEN only eth1 WHEN rendered THEN the rule names eth1 both ways
    const r = renderRouter4({ interfaces: ["eth1"], nics: ["eth0", "eth1"] });
    assert.match(r.nftables?.listing ?? "", /^\t\tiifname "eth1" oifname "eth1" accept$/m);
  });

  test("a VLAN interface's dot is written as a slash in its sysctl key", () => {
    // GIVEN eth0.100 WHEN rendered THEN the key reads as sysctl(8) expects
    const r = renderRouter4({ interfaces: ["eth0.100"], nics: ["eth0.100"] });
    assert.ok(asText(r.sysctls).includes("net.ipv4.conf.eth0/100.forwarding=1"));
  });

  test("off: nothing forwards and no table", () => {
    // GIVEN a two-NIC VNF WHEN ROUTER4 is turned off
    const r = renderRouter4Off({ nics: ["eth0", "eth1"] });
    // THEN every forwarding value is 0
    assert.ok(r.sysctls.every((s) => s.value === "0"));
    assert.deepEqual(
      r.sysctls.map((s) => s.key),
      [
        "net.ipv4.ip_forward",
        "net.ipv4.conf.default.forwarding",
        "net.ipv4.conf.eth0.forwarding",
        "net.ipv4.conf.eth1.forwarding",
      ],
    );
    assert.equal(r.nftables, undefined);
  });

  test("refuses names that are not Linux interface names", () => {
    // GIVEN names with a blank, a slash, too long WHEN rendered THEN it throws naming the field
    assert.throws(() => renderRouter4({ interfaces: ["eth 0"], nics: [] }), /interfaces\[0\]/);
    assert.throws(() => renderRouter4({ interfaces: [], nics: ["a/b"] }), /nics\[0\]/);
    assert.throws(() => renderRouter4({ interfaces: ["abcdefghijklmnop"], nics: [] }), /interfaces\[0\]/);
  });
});
