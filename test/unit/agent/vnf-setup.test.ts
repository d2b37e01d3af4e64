import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chooseLbMode, vnfSetup } from "../../../src/agent/vnf/setup.js";
import { maskToPrefix, networkOf } from "../../../src/params/ipv4.js";
import { parseParams } from "../../../src/params/validate.js";
import { vnfFiles } from "../../../src/render/vnf.js";

function config(raw: Record<string, string>) {
  const p = parseParams({ ONEAPP_VNF_LB0_IP: "10.0.0.2", ...raw });
  assert.ok(p.ok);
  return p.config;
}

describe("vnf planning", () => {
  test("masks and networks", () => {
    assert.equal(maskToPrefix("255.255.255.0"), 24);
    assert.equal(maskToPrefix("255.255.240.0"), 20);
    assert.equal(maskToPrefix("255.0.255.0"), undefined);
    assert.equal(maskToPrefix("nonsense"), undefined);
    assert.deepEqual(networkOf("10.0.0.17", 24), { address: "10.0.0.0", prefix: 24 });
  });

  test("auto and haproxy mean HAProxy; lvs needs IP_VS and says so", () => {
    assert.equal(chooseLbMode("auto", true), "haproxy");
    assert.equal(chooseLbMode("haproxy", true), "haproxy");
    assert.equal(chooseLbMode("lvs", true), "lvs");
    assert.throws(() => chooseLbMode("lvs", false), /ONEAPP_VNF_LB_BACKEND="lvs": this kernel has no IP_VS/);
  });

  test("the endpoint must be a free address of the VM's network", () => {
    // GIVEN a VNF at 10.0.0.10/24 WHEN the endpoint is elsewhere THEN a clear error, before anything is written
    const vars = { ETH0_MASK: "255.255.255.0" };
    assert.throws(
      () => vnfSetup(config({ ONEAPP_VNF_LB0_IP: "10.99.0.5" }), vars, "10.0.0.10", 4),
      /ONEAPP_VNF_LB0_IP="10\.99\.0\.5" is outside this VM's network 10\.0\.0\.0\/24/,
    );
    assert.throws(
      () => vnfSetup(config({ ONEAPP_VNF_LB0_IP: "10.0.0.10" }), vars, "10.0.0.10", 4),
      /this VM's own address/,
    );
    assert.throws(
      () => vnfSetup(config({}), { ETH0_MASK: "255.0.255.0" }, "10.0.0.10", 4),
      /ETH0_MASK="255\.0\.255\.0" is not a network mask/,
    );
  });

  test("the service NIC is the interface whose MAC the context names ETH0_MAC", () => {
    const nics = [
      { name: "lo", mac: "00:00:00:00:00:00" },
      { name: "ens3", mac: "02:00:0a:00:00:0a" },
    ];
    const vars = { ETH0_MASK: "255.255.255.0", ETH0_MAC: "02:00:0A:00:00:0A" };
    assert.equal(vnfSetup(config({}), vars, "10.0.0.10", 1, nics).interface, "ens3");
    assert.equal(
      vnfSetup(config({}), { ETH0_MASK: "255.255.255.0" }, "10.0.0.10", 1, nics).interface,
      "eth0",
    );
  });

  test("a valid plan: VRID from the service id, the VM's network, HAProxy by default", () => {
    const setup = vnfSetup(config({}), { ETH0_MASK: "255.255.255.0" }, "10.0.0.10", 300);
    assert.equal(setup.virtualRouterId, (300 % 255) + 1);
    assert.deepEqual(setup.network, { address: "10.0.0.0", prefix: 24 });
    assert.equal(setup.mode, "haproxy");
  });

  test("the files follow the peers: every master a backend, every other VNF a unicast peer", () => {
    const setup = vnfSetup(config({ ONEAPP_K8S_PORT: "7443" }), {}, "10.0.0.10", 1);
    const files = vnfFiles(setup, { vnfs: ["10.0.0.10", "10.0.0.11"], masters: ["10.0.0.21", "10.0.0.20"] });
    assert.match(files.keepalived, /unicast_peer \{\n\s+10\.0\.0\.11\n\s+\}/);
    assert.match(files.keepalived, /notify "\/var\/lib\/onekube\/vnf\/vrrp-notify\.sh"/);
    assert.deepEqual(
      [...(files.haproxy ?? "").matchAll(/^\s+server \S+ (\S+)/gm)].map((m) => m[1]),
      ["10.0.0.20:7443", "10.0.0.21:7443"],
    );
    assert.match(files.haproxy ?? "", /bind 10\.0\.0\.2:7443/);
    // AND the same peers in another order give the same files (no needless reloads)
    assert.deepEqual(
      vnfFiles(setup, { vnfs: ["10.0.0.11", "10.0.0.10"], masters: ["10.0.0.20", "10.0.0.21"] }),
      files,
    );
  });
});
