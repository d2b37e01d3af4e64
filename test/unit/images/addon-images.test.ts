import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ADDON_IMAGES, addonImageOf, withBuiltAddonImages } from "../../../src/images/addon-images.js";
import { imagesOf, renderAddonObjects } from "../../../src/images/catalogue.js";
import type { KubeObject } from "../../../src/params/types.js";
import { ADDON_MANIFESTS, VERSIONS } from "../../../src/versions.js";
import { SHARED_DIR } from "../../helpers/golden.js";

const read = (file: string) => readFileSync(join(SHARED_DIR, "upstream", file), "utf8");
const OBJECTS = renderAddonObjects({
  canal: read(ADDON_MANIFESTS.canal.file),
  metallb: read(ADDON_MANIFESTS.metallb.file),
});

describe("withBuiltAddonImages", () => {
  it("points Canal's flannel at the pinned build and leaves every other image alone", () => {
    // GIVEN Canal and MetalLB as the master renders them
    const before = imagesOf(OBJECTS).map((i) => i.reference);
    assert.ok(before.includes("docker.io/flannel/flannel:v0.24.4"));
    // WHEN the built add-on images are patched in
    const after = imagesOf(withBuiltAddonImages(OBJECTS)).map((i) => i.reference);
    // THEN only flannel's reference changed, to the pinned version
    const expected = before.map((r) =>
      r === "docker.io/flannel/flannel:v0.24.4" ? `docker.io/flannel/flannel:${VERSIONS.flannel}` : r,
    );
    assert.deepEqual(after, [...expected].sort());
    assert.ok(after.includes(`quay.io/metallb/speaker:${VERSIONS.metallb}`));
  });

  it("changes no other field, returns untouched objects as they are, and leaves its input alone", () => {
    const snapshot = structuredClone(OBJECTS);
    const patched = withBuiltAddonImages(OBJECTS);
    assert.deepEqual(OBJECTS, snapshot, "the input was changed");
    assert.equal(patched.length, OBJECTS.length);
    let changed = 0;
    patched.forEach((object, i) => {
      const original = OBJECTS[i] as KubeObject;
      if (object === original) return;
      changed++;
      // Undo the one intended change: the rest must be the original object.
      const undone = JSON.parse(
        JSON.stringify(object).replaceAll(`flannel/flannel:${VERSIONS.flannel}`, "flannel/flannel:v0.24.4"),
      );
      assert.deepEqual(undone, original);
    });
    assert.equal(changed, 1, "only canal-node's DaemonSet names flannel");
  });

  it("is idempotent", () => {
    const once = withBuiltAddonImages(OBJECTS);
    const twice = withBuiltAddonImages(once);
    for (const [i, object] of twice.entries()) assert.equal(object, once[i]);
  });
});

describe("addonImageOf", () => {
  it("finds a built image by repository, whatever the tag, and nothing else", () => {
    assert.equal(addonImageOf("docker.io/flannel/flannel:v0.1.0")?.target, "flannel");
    assert.equal(addonImageOf("quay.io/metallb/controller:v0.16.1")?.target, "metallb-controller");
    assert.equal(addonImageOf("quay.io/calico/node:v3.32.1"), undefined);
    assert.equal(addonImageOf("docker.io/flannel/flannel-cni-plugin:v1.4.0"), undefined);
    assert.equal(new Set(ADDON_IMAGES.map((i) => i.target)).size, ADDON_IMAGES.length);
  });
});
