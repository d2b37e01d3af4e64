import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { readKubeconfig } from "../../../src/k8s/kubeconfig.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

function write(doc: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "kubeconfig-"));
  const file = join(dir, "config");
  writeFileSync(file, stringify(doc));
  return file;
}

describe("readKubeconfig", () => {
  test("the current context's cluster and user, inline data decoded (kubeadm's admin.conf)", () => {
    const file = write({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "b",
      clusters: [
        {
          name: "one",
          cluster: { server: "https://10.0.0.1:6443", "certificate-authority-data": b64("CA1") },
        },
        {
          name: "two",
          cluster: { server: "https://10.0.0.2:6443", "certificate-authority-data": b64("CA2") },
        },
      ],
      users: [
        { name: "u1", user: { token: "t1" } },
        { name: "u2", user: { "client-certificate-data": b64("CERT"), "client-key-data": b64("KEY") } },
      ],
      contexts: [
        { name: "a", context: { cluster: "one", user: "u1" } },
        { name: "b", context: { cluster: "two", user: "u2" } },
      ],
    });
    const a = readKubeconfig(file);
    assert.equal(a.server, "https://10.0.0.2:6443");
    assert.equal(a.ca?.toString(), "CA2");
    assert.equal(a.cert?.toString(), "CERT");
    assert.equal(a.key?.toString(), "KEY");
    assert.equal(a.token, undefined);
    assert.equal(a.insecureSkipTlsVerify, false);
  });

  test("files relative to the kubeconfig (kubelet.conf's rotating certificate) and a token", () => {
    const file = write({
      "current-context": "c",
      clusters: [{ name: "k", cluster: { server: "https://vip:6443", "certificate-authority": "ca.crt" } }],
      users: [
        { name: "kubelet", user: { "client-certificate": "pair.pem", "client-key": "pair.pem", token: "T" } },
      ],
      contexts: [{ name: "c", context: { cluster: "k", user: "kubelet" } }],
    });
    const dir = join(file, "..");
    writeFileSync(join(dir, "ca.crt"), "FILE-CA");
    writeFileSync(join(dir, "pair.pem"), "PAIR");
    const a = readKubeconfig(file);
    assert.equal(a.ca?.toString(), "FILE-CA");
    assert.equal(a.cert?.toString(), "PAIR");
    assert.equal(a.token, "T");
  });

  test("names the file when it has no cluster", () => {
    const file = write({ "current-context": "x", contexts: [], clusters: [], users: [] });
    assert.throws(() => readKubeconfig(file), new RegExp(`${file}: the kubeconfig has no current cluster`));
  });
});
