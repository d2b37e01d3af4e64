import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { type Addon, type AddonName, addonObjects } from "../../src/k8s/addons.js";
import { type AppliedObject, ApplyError, applyObjects } from "../../src/k8s/apply.js";
import { type KubeClient, kubeClientFromFile } from "../../src/k8s/client.js";
import { loadAddonManifests } from "../../src/k8s/manifests.js";
import { parseParams } from "../../src/params/validate.js";
import { SHARED_DIR } from "../helpers/golden.js";
import { k8sBinary } from "../helpers/k8s-bin.js";
import { startApiServer, type TestApiServer } from "../helpers/kube-apiserver.js";

type Obj = {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  [key: string]: unknown;
};

const parsed = parseParams({
  ONEAPP_VNF_LB0_IP: "10.0.0.100",
  ONEAPP_K8S_PODS_NETWORK: "10.50.0.0/16",
  ONEAPP_K8S_LOADBALANCER_RANGE: "10.0.0.200-10.0.0.210",
});
assert.ok(parsed.ok);
const config = parsed.config;
const options = { fieldManager: "onekube", retry: { webhookMs: 1_000, transientMs: 3_000 } };

let api: TestApiServer;
let client: KubeClient;
let addons: Addon[];
const addon = (name: AddonName) => addons.find((a) => a.name === name)?.objects ?? [];
const get = async (path: string) => (await client.request("GET", path)) as Obj;
const kubectl = async (...args: string[]) =>
  (await execa(k8sBinary("kubectl"), ["--kubeconfig", api.kubeconfig, ...args])).stdout;
const timed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  const result = await run();
  console.log(`${label}: ${Math.round(performance.now() - start)} ms`);
  return result;
};
const outcomes = (results: AppliedObject[]) => new Set(results.map((r) => r.outcome));
const isWebhookConfig = (o: { kind: string }) => o.kind === "ValidatingWebhookConfiguration";

describe("the add-ons applied to a real kube-apiserver (server-side apply)", () => {
  before(async () => {
    api = await startApiServer();
    client = kubeClientFromFile(api.kubeconfig);
    addons = addonObjects(config, await loadAddonManifests(join(SHARED_DIR, "upstream")));
  });
  after(async () => {
    client?.close();
    await api?.stop();
  });

  test("Canal and Longhorn apply with their CRDs established", async () => {
    const results = await timed("apply canal + longhorn", async () => [
      ...(await applyObjects(client, addon("canal"), options)),
      ...(await applyObjects(client, addon("longhorn"), options)),
    ]);
    assert.deepEqual(outcomes(results), new Set(["created"]));
    for (const o of [...addon("canal"), ...addon("longhorn")].filter(
      (x) => x.kind === "CustomResourceDefinition",
    )) {
      const crd = await get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${o.metadata.name}`);
      const conditions = (crd.status as { conditions: { type: string; status: string }[] }).conditions;
      assert.ok(
        conditions.some((c) => c.type === "Established" && c.status === "True"),
        o.metadata.name,
      );
    }
    const canalConfig = await get("/api/v1/namespaces/kube-system/configmaps/canal-config");
    const netConf = JSON.parse((canalConfig.data as Record<string, string>)["net-conf.json"] ?? "{}");
    assert.equal(netConf.Network, "10.50.0.0/16");
    const ds = await get("/apis/apps/v1/namespaces/kube-system/daemonsets/canal");
    const text = JSON.stringify(ds.spec);
    assert.match(text, /"name":"CALICO_IPV4POOL_CIDR","value":"10\.50\.0\.0\/16"/);
  });

  test("both Longhorn storage classes exist as the reference shows them", async () => {
    for (const [name, reclaim] of [
      ["longhorn", "Delete"],
      ["longhorn-retain", "Retain"],
    ] as const) {
      const sc = await get(`/apis/storage.k8s.io/v1/storageclasses/${name}`);
      assert.equal(sc.provisioner, "driver.longhorn.io");
      assert.equal(sc.reclaimPolicy, reclaim);
      assert.equal(sc.volumeBindingMode, "Immediate");
      assert.equal(sc.allowVolumeExpansion, true);
      assert.equal(sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"], undefined);
    }
    const table = await kubectl("get", "storageclass");
    console.log(table);
    const rows = table.split("\n").map((l) => l.trim().split(/\s{2,}/));
    assert.deepEqual(rows[0], [
      "NAME",
      "PROVISIONER",
      "RECLAIMPOLICY",
      "VOLUMEBINDINGMODE",
      "ALLOWVOLUMEEXPANSION",
      "AGE",
    ]);
    // The reference's listing, column for column (AGE aside).
    assert.deepEqual(
      rows.slice(1).map((r) => r.slice(0, 5)),
      [
        ["longhorn", "driver.longhorn.io", "Delete", "Immediate", "true"],
        ["longhorn-retain", "driver.longhorn.io", "Retain", "Immediate", "true"],
      ],
    );
  });

  test("MetalLB's pools are refused while its webhook has no server, and the error says so", async () => {
    const objects = addon("metallb");
    const start = performance.now();
    const error = await applyObjects(client, objects, options).then(
      () => assert.fail("applied although MetalLB's controller (its webhook server) does not run"),
      (e: unknown) => e,
    );
    console.log(`apply metallb until the webhook refusal: ${Math.round(performance.now() - start)} ms`);
    assert.ok(error instanceof ApplyError, String(error));
    assert.equal(error.failure, "webhook");
    assert.equal(error.object, "IPAddressPool metallb-system/default");
    assert.match(error.message, /ipaddresspoolvalidationwebhook\.metallb\.io/);
    assert.ok(performance.now() - start < 15_000, "bounded by the webhook wait");
    // Everything upstream was applied before the pool; the CRDs are established.
    await get("/apis/apps/v1/namespaces/metallb-system/deployments/controller");
    await get("/apis/metallb.io/v1beta1"); // served: the CRDs are established
  });

  test("without the webhook the pools are valid objects of MetalLB's real CRDs", async () => {
    await client.request(
      "DELETE",
      "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/metallb-webhook-configuration",
    );
    const results = await applyObjects(
      client,
      addon("metallb").filter((o) => !isWebhookConfig(o)),
      options,
    );
    assert.deepEqual(
      results.filter((r) => r.outcome === "created").map((r) => r.object),
      ["IPAddressPool metallb-system/default", "L2Advertisement metallb-system/default"],
    );
    const pool = await get("/apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools/default");
    assert.deepEqual((pool.spec as { addresses: string[] }).addresses, ["10.0.0.200-10.0.0.210"]);
  });

  test("a second apply changes nothing", async () => {
    const objects = addons.flatMap((a) => a.objects).filter((o) => !isWebhookConfig(o));
    const results = await timed("second apply of all three", () => applyObjects(client, objects, options));
    const changed = results.filter((r) => r.outcome !== "unchanged").map((r) => `${r.object} ${r.outcome}`);
    assert.deepEqual(changed, []);
    assert.equal(results.length, objects.length);
  });

  test("an object the API refuses stops the apply with its name and the API's message", async () => {
    const bad = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "Bad_Name", namespace: "kube-system" },
    };
    await assert.rejects(applyObjects(client, [bad], options), (e: unknown) => {
      assert.ok(e instanceof ApplyError);
      assert.equal(e.object, "ConfigMap kube-system/Bad_Name");
      assert.match(e.message, /^ConfigMap kube-system\/Bad_Name: .*Invalid value.*\(HTTP 422 Invalid\)$/s);
      return true;
    });
    const unknown = { apiVersion: "example.org/v1", kind: "Nothing", metadata: { name: "x" } };
    await assert.rejects(
      applyObjects(client, [unknown], options),
      /^ApplyError: Nothing x: the server could not find/,
    );
  });
});
