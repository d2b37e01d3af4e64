import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { builtArchives, DEFAULT_CACHE } from "../../images/build.js";
import { type PushedImage, pushBundle } from "../../images/bundle-push.js";
import { saveBundle } from "../../images/bundle-save.js";
import { registryHost } from "../../params/kinds.js";
import { type Io, printJson, table } from "../io.js";

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function pushTable(results: readonly PushedImage[]): string {
  const rows = results.map((r) => [
    r.status,
    r.reference,
    r.digest,
    `${r.uploaded} sent, ${r.present} present (${mib(r.bytes)})`,
    r.error ?? `${r.seconds.toFixed(1)} s`,
  ]);
  return table([["STATUS", "REFERENCE", "DIGEST", "BLOBS", "TIME/ERROR"], ...rows]);
}

/** `onekube images save` and `images push`: the air-gapped bundle. */
export function registerImagesBundle(images: Command, io: Io): void {
  images
    .command("save")
    .description(
      "write every image built in the cache into FILE: one OCI image layout archive (tar), with onekube-bundle.json listing each reference and digest",
    )
    .argument("<file>", "the archive to write (replaced if it exists)")
    .option("--cache <dir>", "the build cache (default: $ONEKUBE_CACHE, else /var/cache/onekube)")
    .option("--json", "print the bundle's manifest as JSON")
    .action(async (file: string, opts: { cache?: string; json?: boolean }) => {
      const cache = resolve(opts.cache ?? io.env.ONEKUBE_CACHE ?? DEFAULT_CACHE);
      const sources = builtArchives(cache);
      if (sources.length === 0)
        throw new UsageError(`no image is built in ${cache}: run onekube images build first`);
      const started = Date.now();
      const saved = await saveBundle(sources, file);
      if (opts.json) return printJson(io, saved);
      const rows = saved.manifest.images.map((i) => [i.reference, i.digest]);
      io.out(`${table([["REFERENCE", "DIGEST"], ...rows])}\n`);
      io.out(
        `saved ${rows.length} images (${saved.blobs} blobs, ${mib(saved.bytes)}) to ${saved.file} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    });
  images
    .command("push")
    .description(
      "load a bundle written by `images save` into an OCI registry, each image under its full upstream name (registry.k8s.io/pause:3.10.2 as repository registry.k8s.io/pause); every blob's digest is checked before anything is sent",
    )
    .argument("<file>", "the bundle")
    .requiredOption(
      "--to <registry>",
      "host[:port] of the registry (HTTPS unless --plain-http or http://host[:port])",
    )
    .option("--plain-http", "talk plain HTTP to the registry (a local registry without TLS)")
    .option("--work-dir <dir>", "where to unpack the bundle during the push (default: the temp directory)")
    .option("--json", "print the results as JSON")
    .action(
      async (file: string, opts: { to: string; plainHttp?: boolean; workDir?: string; json?: boolean }) => {
        if (!existsSync(file)) throw new UsageError(`${file}: no such bundle`);
        const to = registryHost.safeParse(opts.to);
        if (!to.success)
          throw new UsageError(`--to ${opts.to}: ${to.error.issues[0]?.message ?? "not host[:port]"}`);
        const target = { host: to.data.host, scheme: opts.plainHttp ? ("http" as const) : to.data.scheme };
        const results = await pushBundle(file, {
          target,
          ...(opts.workDir === undefined ? {} : { workDir: opts.workDir }),
          onImage: (r) => opts.json || io.err(`${r.status} ${r.reference} (${r.seconds.toFixed(1)} s)\n`),
        });
        if (opts.json) printJson(io, results);
        else io.out(`${pushTable(results)}\n`);
        const failed = results.filter((r) => r.status !== "pushed");
        if (failed.length > 0)
          throw new Error(
            `${failed.length} of ${results.length} images were not pushed to ${target.scheme}://${target.host}: ${failed.map((f) => f.reference).join(", ")}`,
          );
        if (!opts.json) io.out(`pushed ${results.length} images to ${target.scheme}://${target.host}\n`);
      },
    );
}
