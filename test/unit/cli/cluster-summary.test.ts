import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatClusterSummary } from "../../../src/cli/cloud/cluster-summary.js";

const node = (name: string, ip: string, labels: Record<string, string>, ready = true) => ({
  metadata: { name, labels },
  status: {
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    addresses: [{ type: "InternalIP", address: ip }],
    nodeInfo: { kubeletVersion: "v1.36.3" },
  },
});

describe("formatClusterSummary", () => {
  it("prints nodes with their roles, the storage classes and the pools, as the Quick Start shows them", () => {
    const text = formatClusterSummary({
      nodes: [
        node("onekube-ip-10-0-0-4", "10.0.0.4", { "node-role.kubernetes.io/control-plane": "" }),
        node("onekube-ip-10-0-0-7", "10.0.0.7", { "node.longhorn.io/create-default-disk": "true" }, false),
      ],
      storageClasses: [
        {
          metadata: { name: "longhorn-retain" },
          provisioner: "driver.longhorn.io",
          reclaimPolicy: "Retain",
          volumeBindingMode: "Immediate",
          allowVolumeExpansion: true,
        },
      ],
      pools: [{ metadata: { name: "default" }, spec: { addresses: ["10.0.0.200-10.0.0.210"] } }],
    });
    assert.match(text, /onekube-ip-10-0-0-4\s+Ready\s+control-plane\s+v1\.36\.3\s+10\.0\.0\.4/);
    assert.match(text, /onekube-ip-10-0-0-7\s+NotReady\s+<none>/);
    assert.match(text, /longhorn-retain\s+driver\.longhorn\.io\s+Retain\s+Immediate\s+true/);
    assert.match(text, /default\s+10\.0\.0\.200-10\.0\.0\.210/);
  });

  it("says why there is no pool", () => {
    const base = { nodes: [], storageClasses: [] };
    assert.match(formatClusterSummary({ ...base, pools: [] }), /ONEAPP_K8S_LOADBALANCER_RANGE/);
    assert.match(formatClusterSummary({ ...base, pools: undefined }), /CRDs are not installed/);
  });
});
