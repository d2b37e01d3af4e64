import { join, resolve } from "node:path";
import type { Command } from "commander";
import { type ApplianceBuildResult, buildAppliance } from "../../appliance/build/build.js";
import { missingBuildTools } from "../../appliance/build/tools.js";
import { DEBIAN } from "../../appliance/recipe.js";
import { UsageError } from "../../errors.js";
import { hostExec } from "../../host/exec.js";
import { DEFAULT_CACHE, REPO_ROOT } from "../../images/build.js";
import { ONEKUBE_VERSION } from "../../versions.js";
import { type Io, printJson, table } from "../io.js";

const DEFAULT_ADDONS = join(REPO_ROOT, "..", "shared", "upstream");

export function registerApplianceBuild(appliance: Command, io: Io): void {
  appliance
    .command("build")
    .description(
      `build the appliance's disk image (Debian ${DEBIAN.release} "${DEBIAN.codename}", onekube, every node binary and built image): onekube-<version>-amd64.qcow2 (compressed), its .sha256 and its .json manifest. Cached by the fingerprint of every input: a second run with nothing changed does no work. Needs root, mmdebstrap, qemu-img and the build cache (scripts/setup)`,
    )
    .option("--out <dir>", "where the qcow2, its checksum and its manifest are written", ".")
    .option("--cache <dir>", "the build cache (default: $ONEKUBE_CACHE, else /var/cache/onekube)")
    .option("--mirror <url>", "the Debian archive mirror", DEBIAN.mirror)
    .option(
      "--manifests <dir>",
      "the pinned add-on manifests to put in the image (default: ../shared/upstream beside the repository)",
    )
    .option("--json", "print the result (files, manifest, stages) as JSON")
    .action(
      async (opts: { out: string; cache?: string; mirror: string; manifests?: string; json?: boolean }) => {
        const missing = missingBuildTools(io.env.PATH, process.getuid?.() ?? 0);
        if (missing.length > 0) throw new UsageError(`appliance build needs ${missing.join(", ")}`);
        if (!/^https?:\/\/\S+$/.test(opts.mirror))
          throw new UsageError(
            `--mirror: ${JSON.stringify(opts.mirror)} is not an http(s) URL of a Debian archive`,
          );
        const started = Date.now();
        const stamp = () => `[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s]`;
        const result = await buildAppliance({
          exec: hostExec,
          cache: resolve(opts.cache ?? io.env.ONEKUBE_CACHE ?? DEFAULT_CACHE),
          out: resolve(opts.out),
          mirror: opts.mirror,
          addonsDir: resolve(opts.manifests ?? DEFAULT_ADDONS),
          version: ONEKUBE_VERSION,
          step: (title) => io.err(`${stamp()} ${title}\n`),
        });
        if (opts.json) return printJson(io, result);
        io.out(`${describe(result, (Date.now() - started) / 1000)}\n`);
      },
    );
}

function describe(r: ApplianceBuildResult, seconds: number): string {
  const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;
  const head =
    r.status === "cached"
      ? "the image was built already from these inputs: nothing to do"
      : `built in ${seconds.toFixed(0)} s`;
  const stages = table([
    ["STAGE", "STATUS", "SECONDS"],
    ...r.stages.map((s) => [s.name, s.status, s.seconds.toFixed(1)]),
  ]);
  return [
    head,
    stages,
    "",
    `image     ${r.files.qcow2}  (${gib(r.manifest.fileSize)} file, ${gib(r.manifest.virtualSize)} virtual)`,
    `sha256    ${r.files.sha256}`,
    `manifest  ${r.files.manifest}`,
  ].join("\n");
}
