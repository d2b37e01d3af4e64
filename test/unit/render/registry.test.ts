import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { REGISTRY_HOSTS_DIR } from "../../../src/render/containerd.js";
import {
  MIRRORED_REGISTRIES,
  mirrorRepository,
  renderMirrorHosts,
  renderRegistryConfig,
} from "../../../src/render/registry.js";

describe("renderRegistryConfig", () => {
  test("filesystem storage, the given address, no auth", () => {
    // GIVEN a data directory and the service bridge's gateway WHEN rendered THEN YAML says so
    const file = renderRegistryConfig({ rootDirectory: "/srv/reg", listen: "10.0.0.1:5000" });
    const config = parseYaml(file.content) as Record<string, Record<string, unknown>>;
    assert.equal(file.path, "registry/config.yml");
    assert.deepEqual(config.storage?.filesystem, { rootdirectory: "/srv/reg" });
    assert.equal(config.http?.addr, "10.0.0.1:5000");
    assert.equal(config.log?.level, "info");
    assert.equal(config.auth, undefined);
  });
});

describe("renderMirrorHosts", () => {
  test("one hosts.toml per upstream, every path through the mirror and none to the upstream", () => {
    // GIVEN the local cloud's registry WHEN rendered THEN each file names only the mirror
    const files = renderMirrorHosts({ mirror: "10.0.0.1:5000", scheme: "http" });
    assert.deepEqual(
      files.map((f) => `/etc/${f.path}`),
      MIRRORED_REGISTRIES.map((r) => `${REGISTRY_HOSTS_DIR}/${r}/hosts.toml`),
    );
    for (const [i, upstream] of MIRRORED_REGISTRIES.entries()) {
      const toml = parseToml(files[i]?.content ?? "") as Record<string, unknown>;
      const endpoint = `http://10.0.0.1:5000/v2/${upstream}`;
      // containerd appends `server` after the hosts, defaulting to the upstream: it must be the mirror.
      assert.equal(toml.server, endpoint);
      assert.deepEqual(toml.capabilities, ["pull", "resolve"]);
      assert.equal(toml.override_path, true);
      assert.deepEqual(JSON.parse(JSON.stringify(toml.host)), {
        [endpoint]: { capabilities: ["pull", "resolve"], override_path: true },
      });
      assert.ok(!files[i]?.content.includes(`//${upstream}`), "no URL of the upstream itself");
    }
  });

  test("an operator's HTTPS registry", () => {
    const [first] = renderMirrorHosts({ mirror: "harbor.lan", scheme: "https" });
    assert.equal(
      (parseToml(first?.content ?? "") as { server: string }).server,
      "https://harbor.lan/v2/registry.k8s.io",
    );
  });
});

describe("mirrorRepository", () => {
  test("keeps the upstream host in the repository", () => {
    assert.deepEqual(mirrorRepository("registry.k8s.io/pause:3.10.2"), {
      repository: "registry.k8s.io/pause",
      tag: "3.10.2",
    });
    assert.deepEqual(mirrorRepository("quay.io/metallb/speaker:v0.16.1"), {
      repository: "quay.io/metallb/speaker",
      tag: "v0.16.1",
    });
    assert.deepEqual(mirrorRepository("127.0.0.1:5000/x/y:1"), {
      repository: "127.0.0.1:5000/x/y",
      tag: "1",
    });
  });

  test("refuses untagged, digest and host-less references", () => {
    for (const bad of ["registry.k8s.io/pause", "pause:3.10.2", "registry.k8s.io/pause@sha256:00"])
      assert.throws(() => mirrorRepository(bad), /expected a tagged reference/);
  });
});
