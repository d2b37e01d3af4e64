import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type KubeClient, kubeClientFromFile } from "../../src/k8s/client.js";
import { clusterInfoPath, clusterInfoSigned, signedFor, tokenId } from "../../src/k8s/cluster-info.js";
import { freePort, startApiServer, type TestApiServer } from "../helpers/kube-apiserver.js";

let api: TestApiServer;
let client: KubeClient;
let server: string;

describe("cluster-info's signature for a bootstrap token, read anonymously from a real kube-apiserver", () => {
  before(async () => {
    api = await startApiServer();
    client = kubeClientFromFile(api.kubeconfig);
    server = client.server;
    // What kubeadm init makes: cluster-info, and anonymous users allowed to read it (and only it).
    await client.request("POST", "/api/v1/namespaces/kube-public/configmaps", {
      body: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "cluster-info", namespace: "kube-public" },
        data: { kubeconfig: "apiVersion: v1\nkind: Config\n" },
      },
    });
    await client.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-public/roles", {
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "kubeadm:bootstrap-signer-clusterinfo", namespace: "kube-public" },
        rules: [
          { apiGroups: [""], resources: ["configmaps"], resourceNames: ["cluster-info"], verbs: ["get"] },
        ],
      },
    });
    await client.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-public/rolebindings", {
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "kubeadm:bootstrap-signer-clusterinfo", namespace: "kube-public" },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Role",
          name: "kubeadm:bootstrap-signer-clusterinfo",
        },
        subjects: [{ kind: "User", name: "system:anonymous" }],
      },
    });
  });
  after(async () => {
    client?.close();
    await api?.stop();
  });

  test("unsigned until the signer adds the token's key, then signed, read without credentials", async () => {
    const id = tokenId("abcdef.0123456789abcdef");
    assert.equal(id, "abcdef");
    // As kube-controller-manager's bootstrap signer does (the value is the token's JWS).
    const sign = (token: string) =>
      client.request("PATCH", clusterInfoPath, {
        body: { data: { [`jws-kubeconfig-${token}`]: `eyJhbGciOiJIUzI1NiIsImtpZCI6IiJ9..${token}` } },
        contentType: "application/merge-patch+json",
      });
    const eventually = async (token: string) => {
      for (let i = 0; i < 50; i++) {
        if (await clusterInfoSigned(server, token)) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };
    // Another token signed first: once that reads as signed, anonymous reads work (RBAC has
    // seen the binding), so "unsigned" below means the key is missing, not a refusal.
    await sign("other1");
    assert.ok(await eventually("other1"), "an anonymous read sees a signed token");
    assert.equal(signedFor(await client.request("GET", clusterInfoPath), id), false);
    assert.equal(await clusterInfoSigned(server, id), false);
    await sign(id);
    assert.ok(await eventually(id), "signed once the key is there");
  });

  test("no answer is not signed", async () => {
    const port = await freePort();
    assert.equal(await clusterInfoSigned(`https://127.0.0.1:${port}`, "abcdef", 1000), false);
  });
});
