import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { UsageError } from "../../../src/errors.js";
import { chooseSubnet, parseHostPrefixes } from "../../../src/local/subnet.js";

// What `ip -j -4 route show table all` and `ip -j -4 addr` print on a typical host.
const ROUTES = JSON.stringify([
  { dst: "default", gateway: "192.0.2.1", dev: "eth0" },
  { dst: "192.0.2.0/24", dev: "eth0" },
  { dst: "172.16.100.0/24", dev: "docker9" },
  { type: "local", dst: "127.0.0.0/8", dev: "lo", table: "local" },
  { type: "local", dst: "192.0.2.2", dev: "eth0", table: "local" },
]);
const ADDRS = JSON.stringify([
  { ifname: "lo", addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8 }] },
  { ifname: "wg0", addr_info: [{ family: "inet", local: "172.16.101.7", prefixlen: 24 }] },
]);

describe("choosing the service network", () => {
  test("the first /24 that no route or address touches is chosen", () => {
    // GIVEN a host that routes 172.16.100.0/24 and owns an address in 172.16.101.0/24
    const taken = parseHostPrefixes(ROUTES, ADDRS);
    // WHEN a network is chosen THEN both are skipped
    assert.deepEqual(chooseSubnet(taken), { address: "172.16.102.0", prefix: 24 });
  });

  test("the default route does not count as a collision", () => {
    const taken = parseHostPrefixes(JSON.stringify([{ dst: "default", dev: "eth0" }]), "[]");
    assert.deepEqual(taken, []);
  });

  test("an explicit CIDR that collides is refused, naming what it collides with", () => {
    const taken = parseHostPrefixes(ROUTES, ADDRS);
    assert.throws(
      () => chooseSubnet(taken, { cidr: "172.16.100.0/24" }),
      (e: unknown) => e instanceof UsageError && /route 172\.16\.100\.0\/24 dev docker9/.test(e.message),
    );
    assert.throws(
      () => chooseSubnet(taken, { cidr: "172.16.0.0/16" }),
      (e: unknown) => e instanceof UsageError && /address 172\.16\.101\.7\/24 on wg0/.test(e.message),
    );
  });

  test("an explicit CIDR inside Kubernetes' default pod network is refused; a free one is kept", () => {
    assert.throws(() => chooseSubnet([], { cidr: "10.244.3.0/24" }), /reserved 10\.244\.0\.0\/16/);
    assert.deepEqual(chooseSubnet([], { cidr: "10.200.0.0/24" }), { address: "10.200.0.0", prefix: 24 });
  });

  test("malformed or unusable CIDRs are refused with the reason", () => {
    assert.throws(() => chooseSubnet([], { cidr: "10.200.0.1/24" }), /host bits set/);
    assert.throws(() => chooseSubnet([], { cidr: "10.200.0.0/30" }), /prefix from \/16 to \/29/);
    assert.throws(() => chooseSubnet([], { cidr: "nonsense" }), UsageError);
  });
});
