import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type CniCall, neighActions, neighOutput, resultAddresses } from "../../../src/node/cni-neigh.js";

const prevResult = {
  cniVersion: "1.0.0",
  interfaces: [{ name: "cni0" }, { name: "vethab12" }, { name: "eth0", sandbox: "/run/netns/cni-1" }],
  ips: [
    { interface: 2, address: "10.244.3.7/24", gateway: "10.244.3.1" },
    { interface: 2, address: "fd00::7/64" },
  ],
};
const call = (command: string, extra: Partial<CniCall> = {}): CniCall => ({
  command,
  netns: "/run/netns/cni-1",
  ifName: "eth0",
  config: { cniVersion: "1.0.0", name: "onekube", bridge: "cni0", prevResult },
  ...extra,
});

describe("the onekube-neigh CNI plugin", () => {
  test("takes the pod's IPv4 addresses from the bridge's result", () => {
    assert.deepEqual(resultAddresses(call("ADD").config), ["10.244.3.7"]);
    assert.deepEqual(resultAddresses({}), []);
  });

  test("ADD: the node forgets the address, then the pod announces it from its namespace", () => {
    assert.deepEqual(neighActions(call("ADD")), [
      ["ip", "neigh", "del", "10.244.3.7", "dev", "cni0"],
      [
        "sh",
        "-c",
        'nsenter --net="$1" -- arping -U -c 2 -w 1 -I "$2" "$3" >/dev/null 2>&1 &',
        "onekube-neigh",
        "/run/netns/cni-1",
        "eth0",
        "10.244.3.7",
      ],
    ]);
  });

  test("DEL: the node forgets the departing pod's address; CHECK and VERSION change nothing", () => {
    assert.deepEqual(neighActions(call("DEL")), [["ip", "neigh", "del", "10.244.3.7", "dev", "cni0"]]);
    assert.deepEqual(neighActions(call("CHECK")), []);
    assert.deepEqual(neighActions(call("VERSION")), []);
  });

  test("passes the previous result on unchanged, answers VERSION, refuses to run first in a chain", () => {
    assert.deepEqual(JSON.parse(neighOutput(call("ADD"))), prevResult);
    assert.deepEqual(JSON.parse(neighOutput(call("VERSION"))).supportedVersions, ["0.4.0", "1.0.0", "1.1.0"]);
    assert.equal(neighOutput(call("DEL")), "");
    assert.throws(
      () => neighOutput(call("ADD", { config: { cniVersion: "1.0.0" } })),
      /must follow a plugin/,
    );
  });
});
