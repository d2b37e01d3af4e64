import assert from "node:assert/strict";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadAddonManifests } from "../../../src/k8s/manifests.js";
import { ADDON_MANIFESTS } from "../../../src/versions.js";
import { SHARED_DIR } from "../../helpers/golden.js";

describe("loadAddonManifests", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "onekube-manifests-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("reads and parses the pinned files whose SHA-256 matches", async () => {
    const manifests = await loadAddonManifests(join(SHARED_DIR, "upstream"));
    assert.deepEqual(Object.keys(manifests), ["canal", "longhorn", "metallb"]);
    assert.ok(manifests.metallb?.some((o) => o.metadata.name === "ipaddresspools.metallb.io"));
  });

  test("a file of other content fails naming the file, the expected and the actual digest", async () => {
    const { file, sha256 } = ADDON_MANIFESTS.metallb;
    await writeFile(join(dir, file), "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n");
    await assert.rejects(
      loadAddonManifests(dir, ["metallb"]),
      new RegExp(
        `^Error: ${file.replaceAll(".", "\\.")}: SHA-256 mismatch: expected ${sha256}, got [0-9a-f]{64} `,
      ),
    );
  });

  test("loads only the named add-ons, and a missing file names its path", async () => {
    const { file } = ADDON_MANIFESTS.canal;
    await copyFile(join(SHARED_DIR, "upstream", file), join(dir, file));
    assert.deepEqual(Object.keys(await loadAddonManifests(dir, ["canal"])), ["canal"]);
    await assert.rejects(loadAddonManifests(dir, ["longhorn"]), {
      code: "ENOENT",
      path: join(dir, ADDON_MANIFESTS.longhorn.file),
    });
  });
});
