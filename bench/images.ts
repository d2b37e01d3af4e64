import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { BuildResult } from "../src/images/build.js";
import { DEFAULT_CACHE, REPO_ROOT } from "../src/images/build.js";
import { VERSIONS } from "../src/versions.js";

/**
 * `onekube images build`, cold then warm, in a temporary cache. Cold means every image archive
 * and every add-on binary is built anew with an empty Go build cache; the Kubernetes, etcd,
 * CoreDNS and pause binaries are copied from the real cache (building them takes ~8 minutes on
 * 2 cores and is measured by their own scripts), and the Go module cache stays (no network here).
 * Needs root, buildah and Go, like the command.
 */

/** The binaries the kubeadm images are made of, relative to a cache. */
const KUBEADM_BINARIES = [
  join("k8s", VERSIONS.kubernetes, "bin"),
  join("etcd", `v${VERSIONS.etcd}`, "bin"),
  join("coredns", VERSIONS.coredns, "bin"),
  join("pause", VERSIONS.kubernetes, "bin"),
];

async function du(dir: string): Promise<number> {
  const { stdout } = await execa("du", ["-sb", dir]);
  return Number(stdout.split("\t")[0]);
}

async function build(
  cache: string,
  env: Record<string, string>,
): Promise<{ seconds: number; results: BuildResult[] }> {
  const start = performance.now();
  const { stdout } = await execa(
    "node",
    [join(REPO_ROOT, "bin", "onekube.js"), "images", "build", "--cache", cache, "--json"],
    {
      env,
      stderr: "inherit",
    },
  );
  return { seconds: (performance.now() - start) / 1000, results: JSON.parse(stdout) as BuildResult[] };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export async function benchImages(source = process.env.ONEKUBE_CACHE ?? DEFAULT_CACHE): Promise<void> {
  const cache = mkdtempSync(join(tmpdir(), "onekube-bench-images-"));
  const gocache = mkdtempSync(join(tmpdir(), "onekube-bench-gocache-"));
  try {
    for (const dir of KUBEADM_BINARIES) {
      if (!existsSync(join(source, dir)))
        throw new Error(`${join(source, dir)} is missing: run scripts/setup first`);
      cpSync(join(source, dir), join(cache, dir), { recursive: true });
    }
    const before = await du(cache);
    const env = { ...(process.env as Record<string, string>), GOCACHE: gocache };
    const cold = await build(cache, env);
    const grown = (await du(cache)) - before;
    const archives = cold.results.reduce((sum, r) => sum + r.bytes, 0);
    console.log(
      `images build, cold: ${cold.seconds.toFixed(1)} s for ${cold.results.length} images; archives ${mib(archives)}, cache grew ${mib(grown)} (Go build cache ${mib(await du(gocache))})`,
    );
    for (const r of cold.results) console.log(`  ${r.reference}: ${r.seconds.toFixed(1)} s, ${mib(r.bytes)}`);
    const warm = await build(cache, env);
    const rebuilt = warm.results.filter((r) => r.status !== "cached").length;
    console.log(`images build, warm: ${warm.seconds.toFixed(2)} s, ${rebuilt} rebuilt`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
    rmSync(gocache, { recursive: true, force: true });
  }
}
