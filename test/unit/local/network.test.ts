import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hostAddress, nftRuleset } from "../../../src/local/network.js";
import { maskOf } from "../../../src/params/ipv4.js";
import { TEST_NETWORK } from "../../helpers/local-vm.js";

const NET = TEST_NETWORK;

describe("service network", () => {
  test("addresses and masks", () => {
    assert.equal(hostAddress(NET, 10), "172.16.100.10");
    assert.throws(() => hostAddress(NET, 255), RangeError);
    assert.equal(maskOf(24), "255.255.255.0");
    assert.equal(maskOf(20), "255.255.240.0");
  });

  test("the nftables table replaces only itself and keeps VMs on their bridge and gateway", () => {
    const rules = nftRuleset(NET);
    // GIVEN the ruleset WHEN read THEN it is idempotent (declare, delete, define) and names only our table
    assert.match(rules, /^table inet onekube_1\ndelete table inet onekube_1\ntable inet onekube_1 \{/);
    assert.equal(rules.match(/^table /gm)?.length, 2);
    assert.match(rules, /iifname "okb-1" oifname != "okb-1" drop/);
    assert.match(rules, /iifname "okb-1" ip daddr != 172\.16\.100\.1 drop/);
    assert.doesNotMatch(rules, /flush ruleset/);
  });
});
