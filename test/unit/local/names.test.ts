import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { UsageError } from "../../../src/errors.js";
import {
  bridgeName,
  checkServiceKey,
  checkVmId,
  macForIp,
  namespaceName,
  namespacePattern,
  vethName,
  vethPattern,
} from "../../../src/local/names.js";

describe("local cloud names", () => {
  test("a MAC is OpenNebula's: 02:00 and the address bytes in hex", () => {
    assert.equal(macForIp("172.16.100.10"), "02:00:ac:10:64:0a");
    assert.equal(macForIp("10.0.0.255"), "02:00:0a:00:00:ff");
  });

  test("the longest key and id still give interface names of at most 15 characters", () => {
    // GIVEN the largest service key and VM id the driver accepts
    const service = checkServiceKey("abcdef");
    const id = checkVmId(99_999);
    // THEN every interface name fits Linux's IFNAMSIZ
    assert.ok(bridgeName(service).length <= 15);
    assert.ok(vethName(service, id).length <= 15, vethName(service, id));
  });

  test("keys and ids that could not fit, or could match another service's names, are refused", () => {
    for (const bad of ["", "abcdefg", "Upper", "a-b", "a_b"]) {
      assert.throws(() => checkServiceKey(bad), UsageError, bad);
    }
    assert.throws(() => checkVmId(100_000), UsageError);
    assert.throws(() => checkVmId(-1), UsageError);
    assert.throws(() => checkVmId(1.5), UsageError);
  });

  test("the sweep patterns of service 1 never match service 12's resources", () => {
    assert.ok(namespacePattern("1").test(namespaceName("1", 3)));
    assert.ok(!namespacePattern("1").test(namespaceName("12", 3)));
    assert.ok(vethPattern("1").test(vethName("1", 3)));
    assert.ok(!vethPattern("1").test(vethName("12", 3)));
    assert.ok(!vethPattern("1").test(bridgeName("1")));
  });
});
