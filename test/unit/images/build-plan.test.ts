import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { archiveName, buildPlan, cacheKey, selectTargets } from "../../../src/images/build-plan.js";

const CACHE = "/cache";

describe("cacheKey", () => {
  it("joins the source version and a short hash of the recipe, so an edit builds anew", () => {
    assert.match(cacheKey("v0.28.10", "recipe"), /^v0\.28\.10-[0-9a-f]{12}$/);
    assert.equal(cacheKey("v1", "a"), cacheKey("v1", "a"));
    assert.notEqual(cacheKey("v1", "a"), cacheKey("v1", "a "));
    assert.notEqual(cacheKey("v1", "a").slice(-12), "");
    assert.ok(cacheKey("v2", "a").startsWith("v2-"));
  });
});

describe("archiveName", () => {
  it("names archives as tools/build/images.sh does", () => {
    assert.equal(archiveName("registry.k8s.io/coredns/coredns:v1.14.2"), "coredns_coredns_v1.14.2.tar");
    assert.equal(archiveName("quay.io/metallb/speaker:v0.16.1"), "metallb_speaker_v0.16.1.tar");
  });
});

describe("buildPlan", () => {
  const plan = buildPlan(CACHE, "the recipe");

  it("builds kubeadm's seven images and the add-ons, each with its steps", () => {
    assert.deepEqual(
      plan.map((t) => t.name),
      [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kube-proxy",
        "coredns",
        "pause",
        "etcd",
        "flannel",
        "metallb-controller",
        "metallb-speaker",
      ],
    );
    for (const t of plan) assert.ok(t.steps.length === 2, t.name);
  });

  it("keeps kubeadm's archives where the local cloud imports them, the add-ons' under version + recipe", () => {
    const apiserver = plan[0];
    assert.equal(apiserver?.archive, "/cache/images/v1.36.3/kube-apiserver_v1.36.3.tar");
    const key = cacheKey("v0.28.10", "the recipe");
    const flannel = plan.find((t) => t.name === "flannel");
    assert.equal(flannel?.reference, "docker.io/flannel/flannel:v0.28.10");
    assert.equal(flannel?.archive, `/cache/images/addons/${key}/flannel_flannel_v0.28.10.tar`);
    assert.deepEqual(flannel?.steps[0]?.args, [
      "binary",
      "flannel",
      `/cache/addons/flannel/${key}/bin`,
      `/cache/addons/flannel/${key}/src`,
    ]);
    // An edited recipe moves every add-on archive, and no kubeadm one.
    const edited = buildPlan(CACHE, "the recipe, edited");
    for (const [i, t] of edited.entries())
      assert.equal(t.archive === plan[i]?.archive, !t.steps[0]?.script.endsWith("addon-images.sh"), t.name);
  });
});

describe("selectTargets", () => {
  const plan = buildPlan(CACHE, "r");
  it("selects by name or reference in plan order, and returns unknown names", () => {
    const { targets, unknown } = selectTargets(plan, [
      "metallb-speaker",
      "registry.k8s.io/pause:3.10.2",
      "nope",
    ]);
    assert.deepEqual(
      targets.map((t) => t.name),
      ["pause", "metallb-speaker"],
    );
    assert.deepEqual(unknown, ["nope"]);
    assert.equal(selectTargets(plan, []).targets.length, plan.length);
  });
});
