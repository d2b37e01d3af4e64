import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import type { KubeObject } from "../../../src/params/types.js";
import { loadManifest } from "../../../src/render/canal.js";
import { renderLonghornStorageClasses, withLonghornDefaultClass } from "../../../src/render/longhorn.js";
import { toYamlStream } from "../../../src/render/yaml.js";
import { assertGolden, SHARED_DIR } from "../../helpers/golden.js";

/** The StorageClass examples of the user's contract, read from the reference itself. */
function referenceStorageClasses(): unknown[] {
  const rst = readFileSync(join(SHARED_DIR, "reference", "kubernetes-service-1.23.rst"), "utf8");
  const blocks = [...rst.matchAll(/\.\. code::\n\n((?: {4}.*\n|\n)+)/g)].map((m) =>
    (m[1] ?? "").replace(/^ {4}/gm, ""),
  );
  return blocks.filter((b) => b.includes("kind: StorageClass")).map((b) => parse(b) as unknown);
}

describe("renderLonghornStorageClasses", () => {
  it("has exactly the fields the reference shows", () => {
    // GIVEN the reference's two examples WHEN the classes are rendered
    const classes = renderLonghornStorageClasses();
    // THEN they are the reference's objects, field for field (no default-class annotation)
    assert.deepEqual(classes, referenceStorageClasses());
  });

  it("matches the golden file", () => {
    assertGolden("longhorn/storage-classes.yaml", toYamlStream(renderLonghornStorageClasses()));
  });
});

describe("withLonghornDefaultClass", () => {
  const upstream = loadManifest(readFileSync(join(SHARED_DIR, "upstream", "longhorn-v1.12.1.yaml"), "utf8"));
  const isClassMap = (o: KubeObject) => o.kind === "ConfigMap" && o.metadata.name === "longhorn-storageclass";

  it("puts our `longhorn` class into the ConfigMap Longhorn's manager creates it from", () => {
    // GIVEN upstream's ConfigMap, which holds a different class (staleReplicaTimeout "30", more parameters)
    const before = upstream.find(isClassMap)?.data as Record<string, string>;
    assert.notDeepEqual(parse(before["storageclass.yaml"] ?? ""), renderLonghornStorageClasses()[0]);
    // WHEN patched
    const patched = withLonghornDefaultClass(upstream);
    // THEN the ConfigMap holds our class, and nothing else changed
    const after = patched.find(isClassMap)?.data as Record<string, string>;
    assert.deepEqual(parse(after["storageclass.yaml"] ?? ""), renderLonghornStorageClasses()[0]);
    assert.deepEqual(
      patched.filter((o) => !isClassMap(o)),
      upstream.filter((o) => !isClassMap(o)),
    );
    assert.notDeepEqual(upstream.find(isClassMap)?.data, after);
  });

  it("fails clearly when upstream no longer ships the ConfigMap", () => {
    assert.throws(
      () => withLonghornDefaultClass(upstream.filter((o) => !isClassMap(o))),
      /longhorn-storageclass/,
    );
  });
});
