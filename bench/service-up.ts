import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { ONEKUBE } from "../test/helpers/cli.js";
import { nodes } from "../test/helpers/kubectl.js";
import { statusOf } from "../test/helpers/vnf.js";
import { median } from "./stats.js";
import { criticalPath, printTimelines, serviceTimelines, type VmTimeline } from "./timeline.js";

/**
 * `onekube up` of the default service (2 vnf, 3 master, 2 worker, 3 storage; real Kubernetes in
 * the local cloud) to RUNNING, `runs` times (issue 14's goals): the whole up to 8 Ready nodes,
 * the three Ready control planes counted from the first master VM's creation, and the timeline of
 * each VM's phases in the median run with the service's critical path. Needs root and the cache.
 */
export async function benchServiceUp(runs: number): Promise<void> {
  const results: { total: number; controlPlane: number; timelines: VmTimeline[] }[] = [];
  for (let i = 0; i < runs; i++) {
    const root = await mkdtemp(join(tmpdir(), "onekube-bench-up-"));
    const env = { ONEKUBE_ROOT: root };
    const name = "benchu";
    try {
      const t = performance.now();
      await execa("node", [ONEKUBE, "up", "--name", name], { env });
      const total = (performance.now() - t) / 1000;
      const kubeconfig = join(root, "admin.kubeconfig");
      await execa("node", [ONEKUBE, "kubeconfig", name, "-o", kubeconfig], { env });
      const ready = (await nodes(kubeconfig))?.filter((n) => n.ready).length ?? 0;
      if (ready !== 8) throw new Error(`run ${i + 1}: ${ready} Ready nodes after up, not 8`);
      const timelines = serviceTimelines(root, name, await statusOf(env, name));
      const masters = timelines.filter((x) => x.role === "master");
      const controlPlane =
        Math.max(...masters.map((m) => m.ready ?? Number.NaN)) - Math.min(...masters.map((m) => m.created));
      results.push({ total, controlPlane, timelines });
      process.stderr.write(
        `[bench] up ${i + 1}/${runs}: ${total.toFixed(1)} s, control plane ${controlPlane.toFixed(1)} s\n`,
      );
    } finally {
      await execa("node", [ONEKUBE, "down", name], { env, reject: false });
      await rm(root, { recursive: true, force: true });
    }
  }
  const s = (x: number) => `${x.toFixed(1)} s`;
  const totals = results.map((r) => r.total);
  const planes = results.map((r) => r.controlPlane);
  const spread = (xs: number[]) =>
    `median ${s(median(xs))}, min ${s(Math.min(...xs))}, max ${s(Math.max(...xs))}`;
  console.log(`up of the default service (2 vnf, 3 master, 2 worker, 3 storage), ${runs} runs, 2 cores`);
  console.log(`  to RUNNING with 8 Ready nodes:                       ${spread(totals)}`);
  console.log(`  3 Ready control planes from the first master's start: ${spread(planes)}`);
  const mid = [...results].sort((a, b) => a.total - b.total)[Math.floor(results.length / 2)];
  if (mid) {
    console.log(`timeline of the median run (${s(mid.total)}), seconds since the first VM was created:`);
    console.log(printTimelines(mid.timelines));
    console.log("critical path:");
    console.log(criticalPath(mid.timelines));
  }
}
