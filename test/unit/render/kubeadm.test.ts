import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { parseParams } from "../../../src/params/validate.js";
import { renderKubeadmInit, renderKubeadmJoin, STORAGE_NODE_KEY } from "../../../src/render/kubeadm.js";
import { nodeName } from "../../../src/render/names.js";
import { kubeadmCluster } from "../../../src/render/role.js";
import { assertGolden } from "../../helpers/golden.js";

const parsed = parseParams({ ONEAPP_VNF_LB0_IP: "10.0.0.100" });
if (!parsed.ok) throw new Error("fixture must be valid");
const cluster = kubeadmCluster(parsed.config);
const node = {
  name: nodeName("10.0.0.11"),
  address: "10.0.0.11",
  criSocket: "unix:///run/containerd/containerd.sock",
};
const material = {
  token: "abcdef.0123456789abcdef",
  caCertHash: "a".repeat(64),
  certificateKey: "b".repeat(64),
};

type Doc = Record<string, unknown> & { kind: string };
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Doc);
// Tests read the rendered YAML back as the shape they assert on.
function byKind<T>(text: string, kind: string): T {
  const doc = docs(text).find((d) => d.kind === kind);
  assert.ok(doc, `no ${kind} document`);
  return doc as unknown as T;
}

describe("kubeadm configuration", () => {
  test("init: controlPlaneEndpoint is the endpoint, pod subnet and SANs follow the parameters", () => {
    const file = renderKubeadmInit(cluster, node, material);
    assertGolden("kubeadm/init.yaml", file.content);
    const clusterConfig = byKind<{
      controlPlaneEndpoint: string;
      networking: { podSubnet: string; serviceSubnet: string };
      apiServer: { certSANs: string[] };
      kubernetesVersion: string;
    }>(file.content, "ClusterConfiguration");
    assert.equal(clusterConfig.controlPlaneEndpoint, "10.0.0.100:6443");
    assert.equal(clusterConfig.networking.podSubnet, "10.244.0.0/16");
    assert.equal(clusterConfig.networking.serviceSubnet, "10.96.0.0/12");
    assert.ok(clusterConfig.apiServer.certSANs.includes("10.0.0.100"));
    assert.match(clusterConfig.kubernetesVersion, /^v1\.\d+\.\d+$/);
    const init = byKind<{
      certificateKey: string;
      localAPIEndpoint: { advertiseAddress: string; bindPort: number };
    }>(file.content, "InitConfiguration");
    assert.equal(init.certificateKey, material.certificateKey);
    assert.deepEqual(init.localAPIEndpoint, { advertiseAddress: "10.0.0.11", bindPort: 6443 });
    assert.equal(file.mode, 0o600, "the file holds the bootstrap token");
  });

  test("an explicit endpoint port is used by clients while masters bind ONEAPP_K8S_PORT", () => {
    const p = parseParams({ ONEAPP_VNF_LB0_IP: "10.0.0.100:7443" });
    assert.ok(p.ok);
    const file = renderKubeadmJoin(kubeadmCluster(p.config), node, material, "control-plane");
    const join = byKind<{
      discovery: { bootstrapToken: { apiServerEndpoint: string } };
      controlPlane: { localAPIEndpoint: { bindPort: number } };
    }>(file.content, "JoinConfiguration");
    assert.equal(join.discovery.bootstrapToken.apiServerEndpoint, "10.0.0.100:7443");
    assert.equal(join.controlPlane.localAPIEndpoint.bindPort, 6443);
  });

  test("join: control plane carries the certificate key; worker none; storage the label and NoSchedule taint", () => {
    for (const kind of ["control-plane", "worker", "storage"] as const) {
      const file = renderKubeadmJoin(cluster, node, material, kind);
      assertGolden(`kubeadm/join-${kind}.yaml`, file.content);
      const join = byKind<{
        controlPlane?: { certificateKey: string };
        discovery: { bootstrapToken: { caCertHashes: string[] } };
        nodeRegistration: { taints?: unknown[]; kubeletExtraArgs: { name: string; value: string }[] };
      }>(file.content, "JoinConfiguration");
      assert.deepEqual(join.discovery.bootstrapToken.caCertHashes, [`sha256:${material.caCertHash}`]);
      assert.equal(
        join.controlPlane?.certificateKey,
        kind === "control-plane" ? material.certificateKey : undefined,
      );
      const labels = join.nodeRegistration.kubeletExtraArgs
        .filter((a) => a.name === "node-labels")
        .map((a) => a.value);
      if (kind === "storage") {
        assert.deepEqual(join.nodeRegistration.taints, [
          { key: STORAGE_NODE_KEY, value: "true", effect: "NoSchedule" },
        ]);
        assert.deepEqual(labels, [`${STORAGE_NODE_KEY}=true`]);
      } else {
        assert.equal(join.nodeRegistration.taints, undefined);
        assert.deepEqual(labels, []);
      }
    }
  });

  test("a control-plane join without the certificate key is a programming error", () => {
    assert.throws(
      () =>
        renderKubeadmJoin(
          cluster,
          node,
          { token: material.token, caCertHash: material.caCertHash },
          "control-plane",
        ),
      /certificate key/,
    );
  });
});
