import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { vanished } from "../../../src/agent/k8s/departures.js";
import { strayMembers } from "../../../src/agent/k8s/etcd-members.js";
import { drainRound, evictable, type PodObject } from "../../../src/k8s/drain.js";
import type { OneGateVm } from "../../../src/onegate/client-values.js";

const pod = (name: string, extra: Partial<PodObject["metadata"]> = {}, phase = "Running"): PodObject => ({
  metadata: { name, namespace: "default", ...extra },
  status: { phase },
});

describe("evictable", () => {
  it("evicts what kubectl drain evicts: not DaemonSet pods, not static pods, not finished pods", () => {
    const pods = [
      pod("web"),
      pod("proxy", { ownerReferences: [{ kind: "DaemonSet" }] }),
      pod("etcd", { annotations: { "kubernetes.io/config.mirror": "abc" } }),
      pod("job", {}, "Succeeded"),
      pod("crashed", {}, "Failed"),
      pod("replica", { ownerReferences: [{ kind: "ReplicaSet" }] }),
    ];
    assert.deepEqual(
      evictable(pods).map((p) => p.metadata.name),
      ["web", "replica"],
    );
  });
});

describe("drainRound", () => {
  it("waits for an evicted pod until it is gone, even once the kubelet marked it Failed", () => {
    // GIVEN web was evicted (uid u1) and the kubelet has stopped it: phase Failed, not yet deleted
    const evicted = new Map([["default/web", "u1"]]);
    const stopped = pod("web", { uid: "u1" }, "Failed");
    // THEN nothing is evicted again, but the drain is not over
    assert.deepEqual(drainRound([stopped], evicted), { evict: [], waiting: ["default/web"] });
    // AND once the pod is gone, or the name is a new pod's (another uid), it is
    assert.deepEqual(drainRound([], evicted).waiting, []);
    assert.deepEqual(drainRound([pod("web", { uid: "u2" }, "Failed")], evicted).waiting, []);
  });

  it("evicts what is evictable, and never waits for finished pods it did not evict", () => {
    const round = drainRound([pod("a", { uid: "1" }), pod("job", { uid: "2" }, "Succeeded")], new Map());
    assert.deepEqual(
      round.evict.map((p) => p.metadata.name),
      ["a"],
    );
    assert.deepEqual(round.waiting, ["default/a"]);
  });
});

describe("vanished", () => {
  const vm = (id: number, node?: string): OneGateVm => ({
    id,
    name: `vm${id}`,
    state: 3,
    lcmState: 3,
    userTemplate: node ? { ONEGATE_K8S_NODE_NAME: node } : {},
    nics: [],
    nicAliases: [],
  });

  it("names our nodes that no VM of the service names, never foreign nodes", () => {
    const nodes = ["onekube-ip-10-0-0-1", "onekube-ip-10-0-0-2", "someone-elses-node"];
    assert.deepEqual(vanished(nodes, [vm(1, "onekube-ip-10-0-0-1"), vm(2)]), ["onekube-ip-10-0-0-2"]);
    assert.deepEqual(vanished(nodes, [vm(1, "onekube-ip-10-0-0-1"), vm(2, "onekube-ip-10-0-0-2")]), []);
  });
});

describe("strayMembers", () => {
  const master = (id: number, node: string): OneGateVm => ({
    id,
    name: `master_${id}`,
    state: 3,
    lcmState: 3,
    userTemplate: { ONEGATE_K8S_NODE_NAME: node },
    nics: [],
    nicAliases: [],
  });

  it("names the etcd members no master VM names; never one that has not started", () => {
    const members = [
      { id: "1", name: "onekube-ip-10-0-0-1" },
      { id: "2", name: "onekube-ip-10-0-0-2" },
      { id: "3", name: "" },
    ];
    assert.deepEqual(strayMembers(members, [master(1, "onekube-ip-10-0-0-1")]), [
      { id: "2", name: "onekube-ip-10-0-0-2" },
    ]);
  });
});
