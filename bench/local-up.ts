import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { ONEKUBE } from "../test/helpers/cli.js";
import { median } from "./stats.js";

/**
 * Time from `onekube up` to RUNNING for the default service (2 vnf, 3 master, 2 worker,
 * 3 storage) with the minimal agent, and the time `down` takes. Needs root.
 */
export async function benchLocalUp(runs: number): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "onekube-bench-"));
  // The cloud alone: VMs without Kubernetes (bench/control-plane.ts measures a real one).
  const env = { ONEKUBE_ROOT: root, ONEKUBE_NODE_RUNTIME: "none" };
  const up: number[] = [];
  const down: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      await execa("node", [ONEKUBE, "up", "--name", "bench"], { env });
      up.push(performance.now() - t);
      t = performance.now();
      await execa("node", [ONEKUBE, "down", "bench"], { env });
      down.push(performance.now() - t);
    }
  } finally {
    await execa("node", [ONEKUBE, "down", "bench"], { env, reject: false });
    await rm(root, { recursive: true, force: true });
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`local cloud, default service (10 VMs), minimal agent, ${runs} runs`);
  console.log(
    `  up -> RUNNING: median ${s(median(up))}, min ${s(Math.min(...up))}, max ${s(Math.max(...up))}`,
  );
  console.log(
    `  down:          median ${s(median(down))}, min ${s(Math.min(...down))}, max ${s(Math.max(...down))}`,
  );
}
