import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { parseParams } from "../../src/params/validate.js";
import type { RenderedFile } from "../../src/render/files.js";
import { renderKubeadmInit, renderKubeadmJoin } from "../../src/render/kubeadm.js";
import { kubeadmCluster } from "../../src/render/role.js";
import { k8sBinary } from "../helpers/k8s-bin.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "onekube-kubeadm-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function kubeadmValidate(file: RenderedFile) {
  const path = join(dir, file.path.replaceAll("/", "_"));
  await writeFile(path, file.content);
  return execa(k8sBinary("kubeadm"), ["config", "validate", "--config", path], { reject: false, all: true });
}

const node = {
  name: "onekube-ip-10-0-0-11",
  address: "10.0.0.11",
  criSocket: "unix:///run/containerd/containerd.sock",
};
const material = {
  token: "abcdef.0123456789abcdef",
  caCertHash: "c".repeat(64),
  certificateKey: "d".repeat(64),
};

describe("kubeadm config validate (the real kubeadm of the pinned release)", () => {
  for (const raw of [
    { ONEAPP_VNF_LB0_IP: "10.0.0.100" },
    {
      ONEAPP_VNF_LB0_IP: "172.16.0.5:7443",
      ONEAPP_K8S_PORT: "6444",
      ONEAPP_K8S_PODS_NETWORK: "192.168.0.0/17",
    },
  ]) {
    const parsed = parseParams(raw);
    assert.ok(parsed.ok);
    const cluster = kubeadmCluster(parsed.config);
    const files = [
      renderKubeadmInit(cluster, node, material),
      renderKubeadmJoin(cluster, node, material, "control-plane"),
      renderKubeadmJoin(cluster, node, material, "worker"),
      renderKubeadmJoin(cluster, node, material, "storage"),
    ];
    for (const file of files) {
      test(`accepts ${file.path} for ${raw.ONEAPP_VNF_LB0_IP}`, async () => {
        const result = await kubeadmValidate(file);
        assert.equal(result.exitCode, 0, result.all);
      });
    }
  }

  test("accepts the local cloud's init (cgroupfs, kube-proxy leaving conntrack alone) and a node's kubelet patch", async () => {
    const parsed = parseParams({ ONEAPP_VNF_LB0_IP: "10.0.0.100" });
    assert.ok(parsed.ok);
    const local = {
      ...kubeadmCluster(parsed.config),
      cgroupDriver: "cgroupfs" as const,
      conntrackWritable: false,
    };
    const result = await kubeadmValidate(renderKubeadmInit(local, node, material));
    assert.equal(result.exitCode, 0, result.all);
  });

  test("refuses a configuration kubeadm cannot use (proof the check bites)", async () => {
    const parsed = parseParams({ ONEAPP_VNF_LB0_IP: "10.0.0.100" });
    assert.ok(parsed.ok);
    const bad = renderKubeadmJoin(
      kubeadmCluster(parsed.config),
      node,
      { ...material, token: "not-a-token" },
      "worker",
    );
    const result = await kubeadmValidate(bad);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.all ?? "", /token/i);
  });
});
