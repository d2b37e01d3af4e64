import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Command } from "commander";
import { registerImages } from "../../../src/cli/commands/images.js";
import type { Io } from "../../../src/cli/io.js";
import {
  type CatalogueEntry,
  catalogue,
  imagesOf,
  kubeadmImages,
  renderAddonObjects,
} from "../../../src/images/catalogue.js";
import { addonObjects } from "../../../src/k8s/addons.js";
import { loadAddonManifests } from "../../../src/k8s/manifests.js";
import type { KubeObject } from "../../../src/params/types.js";
import { parseParams } from "../../../src/params/validate.js";
import { ADDON_MANIFESTS, VERSIONS } from "../../../src/versions.js";
import { assertGolden, SHARED_DIR } from "../../helpers/golden.js";

const UPSTREAM = join(SHARED_DIR, "upstream");
const read = (file: string) => readFileSync(join(UPSTREAM, file), "utf8");
const OBJECTS = renderAddonObjects({
  canal: read(ADDON_MANIFESTS.canal.file),
  longhorn: read(ADDON_MANIFESTS.longhorn.file),
  metallb: read(ADDON_MANIFESTS.metallb.file),
});
const CATALOGUE = catalogue(OBJECTS);

const KUBEADM = [
  "registry.k8s.io/kube-apiserver:v1.36.3",
  "registry.k8s.io/kube-controller-manager:v1.36.3",
  "registry.k8s.io/kube-scheduler:v1.36.3",
  "registry.k8s.io/kube-proxy:v1.36.3",
  "registry.k8s.io/coredns/coredns:v1.14.2",
  "registry.k8s.io/pause:3.10.2",
  "registry.k8s.io/etcd:3.6.8-0",
];

/**
 * Independently of imagesOf: every string `image` of an object inside a `containers` or
 * `initContainers` list, wherever in the object it sits (so CRD schemas, which have no such
 * lists of objects with string images, do not count).
 */
function walkImages(value: unknown, inContainerList = false, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) walkImages(item, inContainerList, found);
  } else if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (inContainerList && typeof record.image === "string") found.add(record.image);
    for (const [key, child] of Object.entries(record)) {
      walkImages(child, key === "containers" || key === "initContainers", found);
    }
  }
  return found;
}

function entry(reference: string): CatalogueEntry {
  const found = CATALOGUE.find((e) => e.reference === reference);
  assert.ok(found, `${reference} is not in the catalogue`);
  return found;
}

describe("kubeadmImages", () => {
  it("lists kubeadm v1.36.3's seven images in its order, all built by the images recipe", () => {
    const images = kubeadmImages();
    assert.deepEqual(
      images.map((i) => i.reference),
      KUBEADM,
    );
    for (const i of images) {
      assert.equal(i.source.kind, "built");
      if (i.source.kind === "built") assert.equal(i.source.recipe, "tools/build/images.sh");
    }
    assert.deepEqual(images[0]?.source, {
      kind: "built",
      module: "k8s.io/kubernetes@v1.36.3",
      recipe: "tools/build/images.sh",
    });
    assert.deepEqual(images[6]?.source, {
      kind: "built",
      module: "go.etcd.io/etcd/server/v3@v3.6.8",
      recipe: "tools/build/images.sh",
    });
  });
});

describe("imagesOf", () => {
  it("finds containers and initContainers of every workload kind, de-duplicated and sorted", () => {
    const pod = (spec: object) => ({ spec: { template: { spec } } });
    const objects: KubeObject[] = [
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p", namespace: "a" },
        spec: { containers: [{ name: "c", image: "z:1" }] },
      },
      {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "s", namespace: "a" },
        ...pod({ initContainers: [{ name: "i", image: "b:1" }], containers: [{ name: "c", image: "z:1" }] }),
      },
      {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "j", namespace: "a" },
        ...pod({ containers: [{ name: "c", image: "c:1" }] }),
      },
      {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "cj", namespace: "a" },
        spec: { jobTemplate: pod({ containers: [{ name: "c", image: "a:1" }] }) },
      },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { containers: "x" } },
    ];
    const found = imagesOf(objects);
    assert.deepEqual(
      found.map((f) => f.reference),
      ["a:1", "b:1", "c:1", "z:1"],
    );
    assert.deepEqual(found[1]?.usedBy, [
      { kind: "StatefulSet", namespace: "a", name: "s", container: "i", init: true },
    ]);
    assert.deepEqual(
      found[3]?.usedBy.map((u) => u.kind),
      ["Pod", "StatefulSet"],
    );
  });

  it("refuses a container without an image", () => {
    assert.throws(
      () =>
        imagesOf([
          { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c" }] } },
        ]),
      /no name or no image/,
    );
  });
});

describe("catalogue of the pinned add-on manifests", () => {
  it("holds exactly the images the rendered add-on objects reference, plus kubeadm's seven", () => {
    const expected = new Set([...walkImages(OBJECTS), ...KUBEADM]);
    assert.ok(walkImages(OBJECTS).size >= 9, "the walk found too few images: is the test data there?");
    assert.deepEqual(new Set(CATALOGUE.map((e) => e.reference)), expected);
    assert.equal(CATALOGUE.length, expected.size, "an image is listed twice");
  });

  it("names, for every image, the reference the master actually applies (addonObjects, built images patched in)", async () => {
    // GIVEN the objects the first master applies for a default service
    const parsed = parseParams({
      ONEAPP_VNF_LB0_IP: "10.0.0.100",
      ONEAPP_K8S_LOADBALANCER_RANGE: "10.0.0.200/30",
    });
    assert.ok(parsed.ok);
    const applied = addonObjects(parsed.config, await loadAddonManifests(UPSTREAM)).flatMap((a) => a.objects);
    // WHEN the catalogue's effective references (built under another tag where the manifest's has no source) are taken
    const effective = CATALOGUE.filter((e) => !KUBEADM.includes(e.reference)).map((e) =>
      e.source.kind === "built" && e.source.reference ? e.source.reference : e.reference,
    );
    // THEN they are exactly the images of the applied objects
    assert.deepEqual(new Set(effective), walkImages(applied));
    assert.ok(walkImages(applied).has(`docker.io/flannel/flannel:${VERSIONS.flannel}`));
  });

  it("gives every upstream-only image a reason", () => {
    for (const e of CATALOGUE) {
      if (e.source.kind === "upstream-only") assert.ok(e.source.reason.trim().length > 0, e.reference);
    }
  });

  it("marks Calico and Longhorn upstream-only, kubeadm's images, flannel and MetalLB built", () => {
    const builtByUs = /^docker\.io\/flannel\/|^quay\.io\/metallb\//;
    for (const e of CATALOGUE) {
      if (/^quay\.io\/calico\/|^docker\.io\/longhornio\//.test(e.reference))
        assert.equal(e.source.kind, "upstream-only", e.reference);
      assert.equal(
        e.source.kind === "built",
        KUBEADM.includes(e.reference) || builtByUs.test(e.reference),
        e.reference,
      );
    }
    assert.ok(CATALOGUE.some((e) => e.reference.startsWith("quay.io/calico/")));
    assert.ok(CATALOGUE.some((e) => e.reference.startsWith("docker.io/longhornio/")));
    assert.deepEqual(entry("quay.io/metallb/speaker:v0.16.1").source, {
      kind: "built",
      module: "go.universe.tf/metallb@v0.16.1",
      recipe: "tools/build/addon-images.sh",
    });
    // GIVEN Canal's flannel v0.24.4, whose source is not served: built as the pinned v0.28.10.
    const flannel = entry("docker.io/flannel/flannel:v0.24.4").source;
    assert.equal(flannel.kind, "built");
    if (flannel.kind === "built") {
      assert.equal(flannel.module, "github.com/flannel-io/flannel@v0.28.10");
      assert.equal(flannel.reference, "docker.io/flannel/flannel:v0.28.10");
      assert.match(flannel.note ?? "", /withBuiltAddonImages/);
    }
  });

  it("matches the golden catalogue", () => {
    assertGolden("images/catalogue.json", `${JSON.stringify(CATALOGUE, null, 2)}\n`);
  });
});

describe("onekube images list", () => {
  function run(args: string[]): { out: string; err: string } {
    let out = "";
    let err = "";
    const io: Io = {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
      env: {},
    };
    const program = new Command().exitOverride();
    registerImages(program, io);
    program.parse(["node", "onekube", "images", "list", ...args]);
    return { out, err };
  }

  it("prints the catalogue as JSON from --manifests", () => {
    const { out, err } = run(["--json", "--manifests", UPSTREAM]);
    assert.equal(err, "");
    assert.deepEqual(JSON.parse(out), JSON.parse(JSON.stringify(CATALOGUE)));
  });

  it("prints a table with one row per image", () => {
    const { out } = run(["--manifests", UPSTREAM]);
    const lines = out.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^REFERENCE +HOW +SOURCE\/REASON +USED BY$/);
    assert.equal(lines.length, CATALOGUE.length + 1);
    assert.match(out, /quay\.io\/calico\/node:v3\.32\.1 +upstream-only/);
  });

  it("lists only kubeadm's images, with a note, when the directory lacks the manifests", () => {
    const empty = mkdtempSync(join(tmpdir(), "onekube-images-"));
    try {
      const { out, err } = run(["--json", "--manifests", empty]);
      assert.deepEqual(
        (JSON.parse(out) as CatalogueEntry[]).map((e) => e.reference),
        KUBEADM,
      );
      assert.match(err, /not found/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
