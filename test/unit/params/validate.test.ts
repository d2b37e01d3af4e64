import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ConfigIssue } from "../../../src/errors.js";
import { catalogue, PARAM_NAMES } from "../../../src/params/catalogue.js";
import { parseParams } from "../../../src/params/validate.js";

const BASE = { ONEAPP_VNF_LB0_IP: "10.0.0.100" };

function errorsOf(
  raw: Record<string, string>,
  role?: "vnf" | "master" | "worker" | "storage",
): ConfigIssue[] {
  const result = parseParams(raw, { role });
  assert.equal(result.ok, false, "expected the input to be refused");
  return result.ok ? [] : result.issues.filter((i) => i.severity === "error");
}

function configOf(raw: Record<string, string>) {
  const result = parseParams(raw);
  assert.ok(result.ok, `expected a valid input, got ${JSON.stringify(!result.ok && result.issues)}`);
  return result;
}

describe("parameter catalogue", () => {
  test("holds the 18 parameters of the reference: 5 service-wide, 9 VNF, 4 storage", () => {
    const reference = PARAM_NAMES.filter((n) => !("extension" in catalogue[n]));
    assert.equal(reference.length, 18);
    assert.equal(reference.filter((n) => catalogue[n].scope === "service").length, 5);
    assert.equal(
      reference.filter((n) => n.startsWith("ONEAPP_VNF_") && catalogue[n].scope === "vnf").length,
      9,
    );
    assert.equal(reference.filter((n) => n.startsWith("ONEAPP_STORAGE_")).length, 4);
    assert.deepEqual(
      PARAM_NAMES.filter((n) => "extension" in catalogue[n]),
      ["ONEAPP_K8S_REGISTRY_MIRROR", "ONEAPP_VNF_LB_BACKEND"],
    );
  });

  test("every default passes its own validation", () => {
    for (const name of PARAM_NAMES) {
      const d = catalogue[name].default;
      if (d !== undefined) assert.ok(catalogue[name].kind.safeParse(d).success, `${name} default ${d}`);
    }
  });
});

describe("parseParams", () => {
  test("applies the reference's defaults", () => {
    // GIVEN only the mandatory endpoint WHEN parsed THEN the defaults of the reference hold
    const { config, effective } = configOf(BASE);
    assert.deepEqual(config.endpoint, { address: "10.0.0.100", port: 6443 });
    assert.equal(config.apiPort, 6443);
    assert.deepEqual(config.podsNetwork, { address: "10.244.0.0", prefix: 16 });
    assert.equal(config.vnf.lbRefreshRate, 30);
    assert.equal(config.vnf.dns.maxCacheTtl, 3600);
    assert.equal(config.vnf.dns.useRootServers, true);
    assert.equal(config.vnf.nat4.enabled, false);
    assert.deepEqual(config.storage, {
      device: "/dev/vdb",
      filesystem: "xfs",
      label: "STORAGE",
      mountpoint: "/var/lib/longhorn",
    });
    assert.equal(config.loadBalancer, undefined);
    assert.equal(effective.ONEAPP_K8S_PORT, "6443");
  });

  test("the endpoint port defaults to ONEAPP_K8S_PORT and may be given explicitly", () => {
    assert.deepEqual(configOf({ ...BASE, ONEAPP_K8S_PORT: "7443" }).config.endpoint, {
      address: "10.0.0.100",
      port: 7443,
    });
    const explicit = configOf({ ONEAPP_VNF_LB0_IP: "10.0.0.100:8443", ONEAPP_K8S_PORT: "6443" }).config;
    assert.deepEqual(explicit.endpoint, { address: "10.0.0.100", port: 8443 });
    assert.equal(explicit.apiPort, 6443);
  });

  test("the acceptance input yields three errors, each naming its parameter and value", () => {
    // GIVEN three bad values WHEN parsed THEN three errors, one per parameter, with the value given
    const errors = errorsOf({
      ONEAPP_STORAGE_LABEL: "WAYTOOLONGLABEL",
      ONEAPP_K8S_PODS_NETWORK: "10.244.0.0/33",
      ONEAPP_VNF_LB0_IP: "300.1.1.1",
    });
    assert.deepEqual(
      errors.map((e) => [e.param, e.value, e.code]),
      [
        ["ONEAPP_VNF_LB0_IP", "300.1.1.1", "invalid_endpoint"],
        ["ONEAPP_K8S_PODS_NETWORK", "10.244.0.0/33", "invalid_cidr"],
        ["ONEAPP_STORAGE_LABEL", "WAYTOOLONGLABEL", "invalid_label"],
      ],
    );
  });

  const bad: [string, Record<string, string>, string, string][] = [
    ["missing endpoint", {}, "ONEAPP_VNF_LB0_IP", "required"],
    ["endpoint port 0", { ONEAPP_VNF_LB0_IP: "10.0.0.1:0" }, "ONEAPP_VNF_LB0_IP", "invalid_endpoint"],
    [
      "endpoint with two ports",
      { ONEAPP_VNF_LB0_IP: "10.0.0.1:1:2" },
      "ONEAPP_VNF_LB0_IP",
      "invalid_endpoint",
    ],
    ["port 65536", { ...BASE, ONEAPP_K8S_PORT: "65536" }, "ONEAPP_K8S_PORT", "out_of_range"],
    ["port text", { ...BASE, ONEAPP_K8S_PORT: "https" }, "ONEAPP_K8S_PORT", "invalid_integer"],
    [
      "pods overlapping services",
      { ...BASE, ONEAPP_K8S_PODS_NETWORK: "10.96.0.0/16" },
      "ONEAPP_K8S_PODS_NETWORK",
      "overlaps_service_network",
    ],
    [
      "pods holding the endpoint",
      { ONEAPP_VNF_LB0_IP: "10.244.1.1", ONEAPP_K8S_PODS_NETWORK: "10.244.0.0/16" },
      "ONEAPP_K8S_PODS_NETWORK",
      "contains_endpoint",
    ],
    [
      "pods with host bits",
      { ...BASE, ONEAPP_K8S_PODS_NETWORK: "10.244.1.0/16" },
      "ONEAPP_K8S_PODS_NETWORK",
      "invalid_cidr",
    ],
    [
      "range reversed",
      { ...BASE, ONEAPP_K8S_LOADBALANCER_RANGE: "10.0.0.9-10.0.0.1" },
      "ONEAPP_K8S_LOADBALANCER_RANGE",
      "invalid_range",
    ],
    [
      "range garbage",
      { ...BASE, ONEAPP_K8S_LOADBALANCER_RANGE: "ten-twenty" },
      "ONEAPP_K8S_LOADBALANCER_RANGE",
      "invalid_range",
    ],
    ["refresh 0", { ...BASE, ONEAPP_VNF_LB_REFRESH_RATE: "0" }, "ONEAPP_VNF_LB_REFRESH_RATE", "out_of_range"],
    ["boolean", { ...BASE, ONEAPP_VNF_NAT4_ENABLED: "maybe" }, "ONEAPP_VNF_NAT4_ENABLED", "invalid_boolean"],
    [
      "interface",
      { ...BASE, ONEAPP_VNF_DNS_INTERFACES: "eth0,eth 1/x" },
      "ONEAPP_VNF_DNS_INTERFACES",
      "invalid_interface",
    ],
    [
      "device outside /dev",
      { ...BASE, ONEAPP_STORAGE_DEVICE: "/tmp/disk" },
      "ONEAPP_STORAGE_DEVICE",
      "invalid_device",
    ],
    ["relative device", { ...BASE, ONEAPP_STORAGE_DEVICE: "vdb" }, "ONEAPP_STORAGE_DEVICE", "invalid_path"],
    [
      "filesystem",
      { ...BASE, ONEAPP_STORAGE_FILESYSTEM: "btrfs" },
      "ONEAPP_STORAGE_FILESYSTEM",
      "invalid_choice",
    ],
    [
      "label characters",
      { ...BASE, ONEAPP_STORAGE_LABEL: "my disk" },
      "ONEAPP_STORAGE_LABEL",
      "invalid_label",
    ],
    [
      "relative mountpoint",
      { ...BASE, ONEAPP_STORAGE_MOUNTPOINT: "var/lib" },
      "ONEAPP_STORAGE_MOUNTPOINT",
      "invalid_path",
    ],
    [
      "bad base64",
      { ...BASE, ONEAPP_K8S_LOADBALANCER_CONFIG: "not base64!" },
      "ONEAPP_K8S_LOADBALANCER_CONFIG",
      "invalid_loadbalancer_config",
    ],
  ];
  for (const [title, raw, param, code] of bad) {
    test(`refuses ${title} with ${code} on ${param}`, () => {
      const errors = errorsOf(raw);
      assert.ok(
        errors.some((e) => e.param === param && e.code === code),
        `expected ${code} on ${param}, got ${JSON.stringify(errors)}`,
      );
      assert.ok(errors.every((e) => e.message.length > 10));
    });
  }

  test("accepts ranges, CIDRs and single addresses separated by commas or spaces", () => {
    const { config } = configOf({
      ...BASE,
      ONEAPP_K8S_LOADBALANCER_RANGE: "172.16.100.124-172.16.100.128, 192.168.5.0/28 10.1.1.1",
    });
    assert.deepEqual(config.loadBalancer, {
      kind: "range",
      addresses: ["172.16.100.124-172.16.100.128", "192.168.5.0/28", "10.1.1.1/32"],
    });
  });

  test("accepts the generic range with a warning", () => {
    const result = configOf({ ...BASE, ONEAPP_K8S_LOADBALANCER_RANGE: "0.0.0.0-255.255.255.255" });
    assert.ok(result.issues.some((i) => i.severity === "warning" && i.code === "generic_range"));
  });

  test("with a role, ignores parameters that role does not use", () => {
    // GIVEN a bad storage label WHEN validated for a worker THEN it passes; for storage it fails
    const raw = { ...BASE, ONEAPP_STORAGE_LABEL: "WAYTOOLONGLABEL" };
    assert.equal(parseParams(raw, { role: "worker" }).ok, true);
    assert.equal(errorsOf(raw, "storage")[0]?.param, "ONEAPP_STORAGE_LABEL");
  });

  test("warns about unknown ONEAPP_ names instead of dropping them silently", () => {
    const result = configOf({ ...BASE, ONEAPP_K8S_PORTT: "1" });
    assert.deepEqual(
      result.issues.map((i) => [i.code, i.param]),
      [["unknown_parameter", "ONEAPP_K8S_PORTT"]],
    );
  });
});
