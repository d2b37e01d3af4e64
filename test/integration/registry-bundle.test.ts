import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { RegistryClient } from "../../src/images/distribution.js";
import { BUNDLE_MANIFEST, type BundleManifest } from "../../src/images/oci-layout.js";
import { type RunningRegistry, registryBinary, startRegistry } from "../../src/images/registry.js";
import { mirrorRepository } from "../../src/render/registry.js";
import { onekube } from "../helpers/cli.js";
import { CACHE } from "../helpers/k8s-bin.js";
import { freePort } from "../helpers/kube-apiserver.js";

const env = { ONEKUBE_CACHE: CACHE };
let dir: string;
const running: RunningRegistry[] = [];
const timed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  const result = await run();
  console.log(`${label}: ${Math.round(performance.now() - start)} ms`);
  return result;
};

async function registry(name: string): Promise<RunningRegistry> {
  const binary = registryBinary(CACHE);
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run tools/build/components.sh registry`);
  const reg = await startRegistry({ binary, dir: join(dir, name), listen: `127.0.0.1:${await freePort()}` });
  running.push(reg);
  return reg;
}

const hostOf = (reg: RunningRegistry) => reg.url.replace("http://", "");

/** Every image of the bundle, read back from the registry: reference → the digest it answers. */
async function readBack(reg: RunningRegistry, manifest: BundleManifest): Promise<Map<string, string>> {
  const client = new RegistryClient({ host: hostOf(reg), scheme: "http" });
  const out = new Map<string, string>();
  for (const image of manifest.images) {
    const { repository, tag } = mirrorRepository(image.reference);
    const got = await client.getManifest(repository, tag);
    assert.equal(got.mediaType, image.mediaType, image.reference);
    out.set(image.reference, got.digest ?? "");
  }
  return out;
}

describe("registry + air-gapped bundle (real distribution registry)", { timeout: 120_000 }, () => {
  let bundle: string;
  let manifest: BundleManifest;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "onekube-registry-"));
    bundle = join(dir, "images.tar");
    // GIVEN every image built in the cache WHEN saved THEN one archive with a manifest
    const saved = await timed("images save", () => onekube(["images", "save", bundle], env));
    assert.equal(saved.code, 0, saved.stderr);
    const listed = await execa("tar", ["-xOf", bundle, BUNDLE_MANIFEST]);
    manifest = JSON.parse(listed.stdout) as BundleManifest;
    assert.ok(manifest.images.length >= 7, `${manifest.images.length} images in the bundle`);
    console.log(
      `bundle: ${manifest.images.length} images, ${(statSync(bundle).size / 2 ** 20).toFixed(1)} MiB`,
    );
  });

  after(async () => {
    for (const reg of running) await reg.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("push loads every image; the registry answers the bundle's digests", async () => {
    const reg = await registry("first");
    const pushed = await timed("images push", () =>
      onekube(["images", "push", bundle, "--to", hostOf(reg), "--plain-http", "--json"], env),
    );
    assert.equal(pushed.code, 0, pushed.stderr);
    const results = JSON.parse(pushed.stdout) as { reference: string; status: string; digest: string }[];
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set(["pushed"]));
    const answered = await readBack(reg, manifest);
    for (const image of manifest.images) assert.equal(answered.get(image.reference), image.digest);
  });

  test("a corrupted bundle is refused naming the image and the blob, and nothing is pushed", async () => {
    // GIVEN the bundle with one byte of a layer flipped
    const unpacked = join(dir, "unpacked");
    await execa("mkdir", ["-p", unpacked]);
    await execa("tar", ["-xf", bundle, "-C", unpacked]);
    const image = manifest.images.find((i) => i.reference.startsWith("registry.k8s.io/pause:"));
    assert.ok(image);
    const layer = image.blobs.at(-1) ?? "";
    const file = join(unpacked, "blobs", "sha256", layer.slice("sha256:".length));
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const bad = join(dir, "corrupt.tar");
    await execa("tar", ["-cf", bad, "-C", unpacked, ...readdirSync(unpacked)]);
    // WHEN pushed into a fresh registry THEN refused, naming both, and the registry stays empty
    const reg = await registry("corrupt");
    const result = await onekube(["images", "push", bad, "--to", hostOf(reg), "--plain-http"], env);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /failed its integrity check; nothing was pushed/);
    assert.ok(
      result.stderr.includes(`${image.reference}: blob ${layer} does not match its content`),
      result.stderr,
    );
    const catalog = (await (await fetch(`${reg.url}/v2/_catalog`)).json()) as { repositories: string[] };
    assert.deepEqual(catalog.repositories, []);
  });

  test("save then push into a second fresh registry reproduces the same digests", async () => {
    // GIVEN a second save of the same cache WHEN pushed into a fresh registry THEN same digests
    const again = join(dir, "again.tar");
    const saved = await onekube(["images", "save", again], env);
    assert.equal(saved.code, 0, saved.stderr);
    const second = JSON.parse(
      (await execa("tar", ["-xOf", again, BUNDLE_MANIFEST])).stdout,
    ) as BundleManifest;
    const first = new Map(manifest.images.map((i) => [i.reference, i.digest]));
    // Another build may add images to the shared cache meanwhile: compare what both hold.
    const common = second.images.filter((i) => first.has(i.reference));
    assert.ok(common.length >= 7, `${common.length} images in both bundles`);
    for (const image of common) assert.equal(image.digest, first.get(image.reference), image.reference);
    if (common.length === manifest.images.length && common.length === second.images.length) {
      const [a, b] = await Promise.all([execa("sha256sum", [bundle]), execa("sha256sum", [again])]);
      assert.equal(a.stdout.split(" ")[0], b.stdout.split(" ")[0], "the same archive, byte for byte");
    }
    const reg = await registry("second");
    const pushed = await onekube(["images", "push", again, "--to", `http://${hostOf(reg)}`], env);
    assert.equal(pushed.code, 0, pushed.stderr);
    const answered = await readBack(reg, second);
    for (const image of second.images) assert.equal(answered.get(image.reference), image.digest);
  });

  test("start fails clearly when the address is taken", async () => {
    const [first] = running;
    assert.ok(first);
    await assert.rejects(
      startRegistry({ binary: registryBinary(CACHE), dir: join(dir, "taken"), listen: hostOf(first) }),
      /answers already: the address is taken/,
    );
  });
});
