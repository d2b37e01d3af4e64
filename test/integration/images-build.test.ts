import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { execa } from "execa";
import { HostError } from "../../src/errors.js";
import { hostExec } from "../../src/host/exec.js";
import { buildImages, missingTools } from "../../src/images/build.js";
import { buildPlan } from "../../src/images/build-plan.js";
import { onekube } from "../helpers/cli.js";

const temp = mkdtempSync(join(tmpdir(), "onekube-images-build-"));
after(() => rmSync(temp, { recursive: true, force: true }));

/** What Go needs from our environment (onekube() passes only PATH otherwise). */
const GO_ENV = Object.fromEntries(
  ["HOME", "GOPATH", "GOMODCACHE", "GOCACHE", "GOFLAGS", "GOPROXY", "GOTOOLCHAIN"].flatMap((k) =>
    process.env[k] === undefined ? [] : [[k, process.env[k] as string]],
  ),
);

/** The digest of the image an OCI archive holds (its index names the manifest). */
async function manifestDigest(archive: string): Promise<string> {
  const { stdout } = await execa("tar", ["-xOf", archive, "index.json"]);
  const index = JSON.parse(stdout) as { manifests: { digest: string }[] };
  return index.manifests[0]?.digest ?? "";
}

describe("onekube images build", () => {
  test("a failed step names the image, the step and the tool's output", async () => {
    // GIVEN a recipe that fails the way a broken go build does
    const repo = join(temp, "repo");
    mkdirSync(join(repo, "tools", "build"), { recursive: true });
    const script = join(repo, "tools", "build", "addon-images.sh");
    writeFileSync(script, "#!/bin/sh\necho 'compiling'\necho 'main.go:1: boom' >&2\nexit 3\n");
    chmodSync(script, 0o755);
    const targets = buildPlan(join(temp, "cache-fail"), "x").filter((t) => t.name === "flannel");
    // WHEN it runs THEN the error says which image, which step, and what the tool printed
    await assert.rejects(
      buildImages(targets, { exec: hostExec, cache: join(temp, "cache-fail"), repo, env: {} }),
      (e) => {
        assert.ok(e instanceof HostError);
        assert.equal(e.operation, "build docker.io/flannel/flannel:v0.28.10: go build");
        assert.equal(e.exitCode, 3);
        assert.match(e.message, /main\.go:1: boom/);
        return true;
      },
    );
  });

  const missing = missingTools(process.env.PATH, process.getuid?.() ?? -1);
  test("builds pause from source in a fresh cache, reproducibly, and a second run does no work", {
    skip: missing.length > 0 ? `needs ${missing.join(", ")}` : false,
    timeout: 120_000,
  }, async () => {
    const digests: string[] = [];
    for (const name of ["a", "b"]) {
      const cache = join(temp, `cache-${name}`);
      // GIVEN an empty cache WHEN pause is built THEN its archive holds an OCI image
      const cold = await onekube(["images", "build", "--only", "pause", "--cache", cache, "--json"], GO_ENV);
      assert.equal(cold.code, 0, cold.stderr);
      const [result] = JSON.parse(cold.stdout);
      assert.equal(result.reference, "registry.k8s.io/pause:3.10.2");
      assert.equal(result.status, "built");
      digests.push(await manifestDigest(result.archive));
      // WHEN it runs again THEN nothing is built, and it says so quickly
      const started = performance.now();
      const warm = await onekube(["images", "build", "--only", "pause", "--cache", cache], GO_ENV);
      assert.equal(warm.code, 0, warm.stderr);
      assert.match(warm.stdout, /cached registry\.k8s\.io\/pause:3\.10\.2/);
      assert.match(warm.stdout, /nothing to do/);
      assert.ok(performance.now() - started < 5000, "a warm run took over 5 s");
    }
    // Two caches, two builds, one image: the recipe is reproducible.
    assert.match(digests[0] ?? "", /^sha256:[0-9a-f]{64}$/);
    assert.equal(digests[0], digests[1]);
    assert.ok(readFileSync(join(temp, "cache-a", "pause", "v1.36.3", "bin", "pause")).length > 0);
  });

  test("--only rejects an unknown image by name", async () => {
    const r = await onekube(["images", "build", "--only", "nope", "--cache", join(temp, "cache-x")]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown image nope \(known: kube-apiserver, .*metallb-speaker\)/);
  });
});
