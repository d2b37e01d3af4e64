import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { objectRef } from "../../../src/k8s/apply.js";
import type { KubeObject } from "../../../src/params/types.js";
import { loadManifest } from "../../../src/render/canal.js";
import { canalWithoutCalico } from "../../../src/render/canal-flannel.js";
import { SHARED_DIR } from "../../helpers/golden.js";

const CANAL = loadManifest(readFileSync(join(SHARED_DIR, "upstream", "canal-v3.32.1.yaml"), "utf8"));

type Container = { name: string; image: string };
function podSpec(objects: readonly KubeObject[], kind: string, name: string) {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name) as
    | { spec: { template: { spec: { containers: Container[]; initContainers?: Container[] } } } }
    | undefined;
  return o?.spec.template.spec;
}

describe("canalWithoutCalico", () => {
  it("keeps only flannel in Canal's DaemonSet and drops Calico's controllers", () => {
    // GIVEN upstream Canal, whose DaemonSet runs Calico and flannel side by side
    assert.deepEqual(
      podSpec(CANAL, "DaemonSet", "canal")?.containers.map((c) => c.name),
      ["calico-node", "kube-flannel"],
    );
    // WHEN Calico is left out
    const out = canalWithoutCalico(CANAL);
    // THEN the DaemonSet runs flannel alone, with no init container of Calico's
    const ds = podSpec(out, "DaemonSet", "canal");
    assert.deepEqual(
      ds?.containers.map((c) => c.name),
      ["kube-flannel"],
    );
    assert.equal(ds?.initContainers, undefined);
    // AND Calico's kube-controllers and their disruption budget are gone, and nothing else
    const removed = CANAL.map(objectRef).filter((r) => !out.map(objectRef).includes(r));
    assert.deepEqual(removed.sort(), [
      "Deployment kube-system/calico-kube-controllers",
      "PodDisruptionBudget kube-system/calico-kube-controllers",
    ]);
    // AND no object names a Calico image any more
    assert.doesNotMatch(
      JSON.stringify(out.filter((o) => o.kind !== "CustomResourceDefinition")),
      /"image":"[^"]*calico/,
    );
  });

  it("points flanneld at the control-plane endpoint, not at the kubernetes Service", () => {
    const out = canalWithoutCalico(CANAL, { address: "10.0.0.2", port: 6443 });
    const flannel = (podSpec(out, "DaemonSet", "canal")?.containers[0] ?? {}) as {
      env?: { name: string; value?: string }[];
    };
    const env = new Map((flannel.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env.get("KUBERNETES_SERVICE_HOST"), "10.0.0.2");
    assert.equal(env.get("KUBERNETES_SERVICE_PORT"), "6443");
    assert.ok(env.has("FLANNELD_IFACE"), "upstream's variables stay");
  });

  it("leaves its input alone and refuses a Canal without flannel", () => {
    const snapshot = structuredClone(CANAL);
    canalWithoutCalico(CANAL);
    assert.deepEqual(CANAL, snapshot);
    const noFlannel = structuredClone(CANAL);
    const spec = podSpec(noFlannel, "DaemonSet", "canal");
    if (spec) spec.containers = spec.containers.filter((c) => c.name !== "kube-flannel");
    assert.throws(() => canalWithoutCalico(noFlannel), /no container kube-flannel/);
  });
});
