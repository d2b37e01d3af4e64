import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError } from "../../../src/errors.js";
import type { VmSpec } from "../../../src/local/driver.js";
import { storageDevice, vmContextVars, vmHostname } from "../../../src/local/vm-context.js";
import { TEST_NETWORK } from "../../helpers/local-vm.js";

const NET = TEST_NETWORK;
const NIC = { ip: "172.16.100.12", mac: "02:00:ac:10:64:0c", network: "service", name: "_NIC0" };
const spec = (context: Record<string, string>): VmSpec => ({
  id: 7,
  name: "master_7_(service_1)",
  role: "master",
  serviceId: 1,
  context,
  token: "t",
});

describe("a local VM's context", () => {
  test("adds what OpenNebula's core adds: NIC variables, VMID, TOKEN and the OneGate endpoint", () => {
    const vars = vmContextVars(spec({ ONEAPP_K8S_PORT: "6443" }), NIC, NET, {
      onegateEndpoint: "http://172.16.100.1:5030",
    });
    assert.equal(vars.ONEAPP_K8S_PORT, "6443");
    assert.equal(vars.VMID, "7");
    assert.equal(vars.TOKEN, "YES");
    assert.equal(vars.ETH0_IP, "172.16.100.12");
    assert.equal(vars.ETH0_MAC, "02:00:ac:10:64:0c");
    assert.equal(vars.ETH0_MASK, "255.255.255.0");
    assert.equal(vars.ETH0_GATEWAY, "172.16.100.1");
    assert.equal(vars.ETH0_DNS, "");
    assert.equal(vars.ONEGATE_ENDPOINT, "http://172.16.100.1:5030");
    assert.equal(vars.SET_HOSTNAME, "onekube-ip-172-16-100-12");
  });

  test("the template may set the hostname and endpoint, never the VM's facts", () => {
    // GIVEN a template that tries to override both kinds
    const vars = vmContextVars(
      spec({ SET_HOSTNAME: "custom", ONEGATE_ENDPOINT: "http://x:1", VMID: "99", ETH0_IP: "1.2.3.4" }),
      NIC,
      NET,
      { onegateEndpoint: "http://172.16.100.1:5030" },
    );
    // THEN defaults yield, facts do not
    assert.equal(vmHostname(vars, NIC.ip), "custom");
    assert.equal(vars.ONEGATE_ENDPOINT, "http://x:1");
    assert.equal(vars.VMID, "7");
    assert.equal(vars.ETH0_IP, "172.16.100.12");
  });

  test("the disk appears at ONEAPP_STORAGE_DEVICE, /dev/vdb by default, and only under /dev", () => {
    assert.equal(storageDevice({}), "/dev/vdb");
    assert.equal(storageDevice({ ONEAPP_STORAGE_DEVICE: "/dev/vdc" }), "/dev/vdc");
    assert.throws(
      () => storageDevice({ ONEAPP_STORAGE_DEVICE: "/etc/passwd" }),
      (e: unknown) => e instanceof ConfigError && e.issues[0]?.param === "ONEAPP_STORAGE_DEVICE",
    );
  });
});
