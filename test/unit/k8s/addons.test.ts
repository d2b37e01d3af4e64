import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { addonObjects } from "../../../src/k8s/addons.js";
import { applyOrder, objectRef } from "../../../src/k8s/apply.js";
import { loadAddonManifests } from "../../../src/k8s/manifests.js";
import type { KubeObject, ServiceConfig } from "../../../src/params/types.js";
import { parseParams } from "../../../src/params/validate.js";
import { SHARED_DIR } from "../../helpers/golden.js";

function config(params: Record<string, string> = {}): ServiceConfig {
  const parsed = parseParams({ ONEAPP_VNF_LB0_IP: "10.0.0.100", ...params });
  assert.ok(parsed.ok);
  return parsed.config;
}

const manifests = await loadAddonManifests(join(SHARED_DIR, "upstream"));
const refs = (objects: readonly KubeObject[]) => objects.map(objectRef);

describe("addonObjects", () => {
  test("Canal, Longhorn and MetalLB in that order, each upstream manifest first", () => {
    // GIVEN a load-balancer range WHEN the add-ons are built from the pinned manifests
    const addons = addonObjects(
      config({ ONEAPP_K8S_LOADBALANCER_RANGE: "10.0.0.200-10.0.0.210" }),
      manifests,
    );
    // THEN the order is fixed and our own objects follow upstream's
    assert.deepEqual(
      addons.map((a) => a.name),
      ["canal", "longhorn", "metallb"],
    );
    const [canal, longhorn, metallb] = addons;
    assert.equal(canal?.objects.length, manifests.canal?.length);
    assert.deepEqual(refs(longhorn?.objects.slice(-2) ?? []), [
      "StorageClass longhorn",
      "StorageClass longhorn-retain",
    ]);
    assert.deepEqual(
      refs(metallb?.objects.slice(0, manifests.metallb?.length) ?? []),
      refs(manifests.metallb ?? []),
    );
    assert.deepEqual(refs(metallb?.objects.slice(manifests.metallb?.length) ?? []), [
      "IPAddressPool metallb-system/default",
      "L2Advertisement metallb-system/default",
    ]);
  });

  test("without manifests: Longhorn's two classes always, MetalLB only with a configured source", () => {
    assert.deepEqual(
      addonObjects(config(), {}).map((a) => [a.name, refs(a.objects)]),
      [["longhorn", ["StorageClass longhorn", "StorageClass longhorn-retain"]]],
    );
    const withRange = addonObjects(config({ ONEAPP_K8S_LOADBALANCER_RANGE: "10.0.0.200/30" }), {});
    assert.deepEqual(
      withRange.map((a) => a.name),
      ["longhorn", "metallb"],
    );
  });

  test("the pod network reaches Canal, and the inputs are not modified", () => {
    const before = structuredClone(manifests.canal);
    const [canal] = addonObjects(config({ ONEAPP_K8S_PODS_NETWORK: "10.50.0.0/16" }), manifests);
    const cm = canal?.objects.find((o) => o.metadata.name === "canal-config");
    assert.match(
      String((cm?.data as Record<string, string> | undefined)?.["net-conf.json"]),
      /"Network": "10\.50\.0\.0\/16"/,
    );
    assert.deepEqual(manifests.canal, before);
  });
});

describe("applyOrder", () => {
  test("Namespaces and CRDs first, each group in its given order", () => {
    const o = (kind: string, name: string): KubeObject => ({ apiVersion: "v1", kind, metadata: { name } });
    const { first, rest } = applyOrder([
      o("ConfigMap", "a"),
      o("CustomResourceDefinition", "x.example.org"),
      o("Namespace", "n"),
      o("Thing", "t"),
    ]);
    assert.deepEqual(refs(first), ["CustomResourceDefinition x.example.org", "Namespace n"]);
    assert.deepEqual(refs(rest), ["ConfigMap a", "Thing t"]);
  });
});
