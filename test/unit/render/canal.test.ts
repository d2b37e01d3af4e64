import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { parseCidr } from "../../../src/params/ipv4.js";
import type { Ipv4Cidr, KubeObject } from "../../../src/params/types.js";
import { loadManifest, renderCanal } from "../../../src/render/canal.js";
import { toYamlStream } from "../../../src/render/yaml.js";
import { assertGolden, SHARED_DIR } from "../../helpers/golden.js";

const UPSTREAM = readFileSync(join(SHARED_DIR, "upstream", "canal-v3.32.1.yaml"), "utf8");
// Not upstream's own 10.244.0.0/16, so that the flannel change is visible.
const PODS = cidr("10.32.0.0/16");

function cidr(text: string): Ipv4Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
}

/** The upstream documents as the YAML library reads them, with no code of ours involved. */
function freshParse(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((v) => v !== null && v !== undefined);
}

/** Dotted paths where `a` and `b` differ (added, removed or changed leaves). */
function diffPaths(a: unknown, b: unknown, path = ""): string[] {
  if (
    typeof a !== "object" ||
    typeof b !== "object" ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return Object.is(a, b) ? [] : [path];
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
  return keys.flatMap((k) => diffPaths(ra[k], rb[k], path === "" ? k : `${path}.${k}`));
}

function byName(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is in the manifest`);
  return found;
}

type Container = { name: string; env: { name: string; value?: string }[] };
const containers = (ds: KubeObject) =>
  (ds.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers;

describe("loadManifest", () => {
  it("reproduces the upstream objects exactly when nothing is patched", () => {
    // GIVEN the pinned upstream manifest
    // WHEN it is loaded and written back out without patches
    const objects = loadManifest(UPSTREAM);
    const reloaded = loadManifest(toYamlStream(objects));
    // THEN the objects equal a fresh parse of the upstream text, in the same order
    assert.equal(objects.length, 40);
    assert.deepEqual(reloaded, freshParse(UPSTREAM));
  });

  it("drops empty documents and rejects documents that are not objects", () => {
    assert.deepEqual(loadManifest("---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n"), [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } },
    ]);
    assert.throws(() => loadManifest("just a string\n"), /document 1 is not a Kubernetes object/);
    assert.throws(() => loadManifest("a: [\n"), /document 1 is not valid YAML/);
  });
});

describe("renderCanal", () => {
  const original = loadManifest(UPSTREAM);

  it("changes only flannel's Network and calico-node's pool CIDR", () => {
    // GIVEN the upstream objects WHEN the pod network is set
    const patched = renderCanal(original, PODS);
    // THEN exactly two fields differ from upstream, and the input is untouched
    const changed = original.flatMap((o, i) =>
      diffPaths(o, patched[i]).map((p) => `${o.kind}/${o.metadata.name}: ${p}`),
    );
    const env = containers(byName(original, "DaemonSet", "canal"))[0]?.env ?? [];
    assert.equal(containers(byName(original, "DaemonSet", "canal"))[0]?.name, "calico-node");
    assert.deepEqual(changed, [
      "ConfigMap/canal-config: data.net-conf.json",
      `DaemonSet/canal: spec.template.spec.containers.0.env.${env.length}`,
    ]);
    assert.deepEqual(original, freshParse(UPSTREAM));
  });

  it("writes the pod network into both places", () => {
    const patched = renderCanal(original, PODS);
    const data = byName(patched, "ConfigMap", "canal-config").data as Record<string, string>;
    assert.deepEqual(JSON.parse(data["net-conf.json"] ?? ""), {
      Network: "10.32.0.0/16",
      Backend: { Type: "vxlan" },
    });
    const node = containers(byName(patched, "DaemonSet", "canal")).find((c) => c.name === "calico-node");
    assert.deepEqual(node?.env.at(-1), { name: "CALICO_IPV4POOL_CIDR", value: "10.32.0.0/16" });
  });

  it("is idempotent: patching its own output sets the existing entry instead of adding one", () => {
    const once = renderCanal(original, PODS);
    assert.deepEqual(renderCanal(once, PODS), once);
    const moved = renderCanal(once, cidr("10.50.0.0/16"));
    const env = containers(byName(moved, "DaemonSet", "canal"))[0]?.env ?? [];
    assert.deepEqual(
      env.filter((e) => e.name === "CALICO_IPV4POOL_CIDR"),
      [{ name: "CALICO_IPV4POOL_CIDR", value: "10.50.0.0/16" }],
    );
  });

  it("fails clearly when upstream no longer has the expected objects", () => {
    const noConfig = original.filter((o) => o.metadata.name !== "canal-config");
    assert.throws(() => renderCanal(noConfig, PODS), /no ConfigMap kube-system\/canal-config/);
    const noDaemonSet = original.filter((o) => o.kind !== "DaemonSet");
    assert.throws(() => renderCanal(noDaemonSet, PODS), /no DaemonSet kube-system\/canal/);
  });

  it("matches the golden patched parts", () => {
    // GIVEN the patched manifest WHEN only the patched parts are printed THEN they match the golden file
    const patched = renderCanal(original, PODS);
    const node = containers(byName(patched, "DaemonSet", "canal")).find((c) => c.name === "calico-node");
    const parts = [
      byName(patched, "ConfigMap", "canal-config"),
      { daemonSet: "kube-system/canal", container: "calico-node", env: node?.env },
    ];
    assertGolden("canal/pods-network.yaml", toYamlStream(parts));
  });
});
