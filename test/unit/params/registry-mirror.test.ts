import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseParams } from "../../../src/params/validate.js";

const BASE = { ONEAPP_VNF_LB0_IP: "10.0.0.100" };

function mirrorOf(value: string) {
  const result = parseParams({ ...BASE, ONEAPP_K8S_REGISTRY_MIRROR: value });
  assert.ok(result.ok, `expected ${value} to be accepted`);
  return result.config.registryMirror;
}

describe("ONEAPP_K8S_REGISTRY_MIRROR", () => {
  test("absent or empty means pulling from upstream", () => {
    // GIVEN no mirror WHEN parsed THEN the config names none
    const result = parseParams(BASE);
    assert.ok(result.ok);
    assert.equal(result.config.registryMirror, undefined);
    assert.equal(mirrorOf("  "), undefined);
  });

  test("host[:port] is HTTPS; http:// asks for plain HTTP", () => {
    assert.deepEqual(mirrorOf("registry.example.org"), { host: "registry.example.org", scheme: "https" });
    assert.deepEqual(mirrorOf(" 10.0.0.1:5000 "), { host: "10.0.0.1:5000", scheme: "https" });
    assert.deepEqual(mirrorOf("http://10.0.0.1:5000"), { host: "10.0.0.1:5000", scheme: "http" });
    assert.deepEqual(mirrorOf("https://harbor.lan"), { host: "harbor.lan", scheme: "https" });
  });

  for (const bad of [
    "10.0.0.1:99999",
    "reg.lan:5000/path",
    "ftp://reg.lan",
    "reg_lan",
    "a:b:c",
    "-reg.lan",
  ]) {
    test(`${JSON.stringify(bad)} is refused, naming the parameter and the value`, () => {
      // GIVEN a value that is not host[:port] WHEN parsed THEN one issue names both
      const result = parseParams({ ...BASE, ONEAPP_K8S_REGISTRY_MIRROR: bad });
      assert.equal(result.ok, false);
      const issues = result.issues.filter((i) => i.severity === "error");
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.param, "ONEAPP_K8S_REGISTRY_MIRROR");
      assert.equal(issues[0]?.value, bad);
      assert.equal(issues[0]?.code, "invalid_registry");
    });
  }
});
