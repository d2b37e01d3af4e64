import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import type { KubeObject } from "../../../src/params/types.js";
import { loadManifest } from "../../../src/render/canal.js";
import { withLonghornStorageNodes } from "../../../src/render/longhorn-nodes.js";
import { ADDON_MANIFESTS } from "../../../src/versions.js";
import { SHARED_DIR } from "../../helpers/golden.js";

const upstream = () =>
  loadManifest(readFileSync(join(SHARED_DIR, "upstream", ADDON_MANIFESTS.longhorn.file), "utf8"));
const byName = (objects: KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

describe("withLonghornStorageNodes", () => {
  it("puts default disks on labelled nodes only, at the storage mount point, tolerating their taint", () => {
    const objects = withLonghornStorageNodes(upstream(), "/var/lib/longhorn");
    const settings = byName(objects, "ConfigMap", "longhorn-default-setting");
    const data = (settings?.data ?? {}) as Record<string, string>;
    const yaml = parse(data["default-setting.yaml"] ?? "") as Record<string, string>;
    assert.equal(yaml["create-default-disk-labeled-nodes"], "true");
    assert.equal(yaml["default-data-path"], "/var/lib/longhorn");
    assert.equal(yaml["taint-toleration"], "node.longhorn.io/create-default-disk=true:NoSchedule");
    // upstream's own settings are kept
    assert.equal(yaml["priority-class"], "longhorn-critical");
    const manager = byName(objects, "DaemonSet", "longhorn-manager") as unknown as {
      spec: { template: { spec: { tolerations: Record<string, string>[] } } };
    };
    assert.deepEqual(manager.spec.template.spec.tolerations.at(-1), {
      key: "node.longhorn.io/create-default-disk",
      operator: "Equal",
      value: "true",
      effect: "NoSchedule",
    });
  });

  it("changes nothing else, and leaves its input alone", () => {
    const input = upstream();
    const before = JSON.stringify(input);
    const out = withLonghornStorageNodes(input, "/data");
    assert.equal(JSON.stringify(input), before);
    const changed = out.filter((o, i) => JSON.stringify(o) !== JSON.stringify(input[i]));
    assert.deepEqual(
      changed.map((o) => `${o.kind}/${o.metadata.name}`),
      ["ConfigMap/longhorn-default-setting", "DaemonSet/longhorn-manager"],
    );
  });

  it("says what is missing when upstream changed its shape", () => {
    const without = upstream().filter((o) => o.metadata.name !== "longhorn-default-setting");
    assert.throws(
      () => withLonghornStorageNodes(without, "/x"),
      /no ConfigMap longhorn-system\/longhorn-default-setting/,
    );
  });
});
