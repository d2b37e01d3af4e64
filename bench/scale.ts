import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { ONEKUBE } from "../test/helpers/cli.js";
import { median } from "./stats.js";

/**
 * End to end time to add one worker (`onekube scale N worker +1` until the role settles: VM,
 * runtime, join, Node Ready) and to remove one (drained by the control plane, Node deleted, VM
 * gone), on a control plane of 3 masters with one worker. Needs root and the build cache.
 */
export async function benchScale(runs: number): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "onekube-bench-scale-"));
  const env = { ONEKUBE_ROOT: root, ONEKUBE_LOOP_SECONDS: "2" };
  const add: number[] = [];
  const remove: number[] = [];
  const name = "benchs";
  try {
    await execa(
      "node",
      [
        ONEKUBE,
        "up",
        "--name",
        name,
        "--role-size",
        "worker=1",
        "--role-size",
        "storage=0",
        "--cooldown",
        "1",
      ],
      { env },
    );
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      await execa("node", [ONEKUBE, "scale", name, "worker", "2"], { env });
      add.push(performance.now() - t);
      t = performance.now();
      await execa("node", [ONEKUBE, "scale", name, "worker", "1"], { env });
      remove.push(performance.now() - t);
    }
  } finally {
    await execa("node", [ONEKUBE, "down", name], { env, reject: false });
    await rm(root, { recursive: true, force: true });
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`local cloud, 3 masters + 1 worker, scale one worker in and out, ${runs} runs`);
  console.log(
    `  add one worker (VM to Node Ready):       median ${s(median(add))}, min ${s(Math.min(...add))}, max ${s(Math.max(...add))}`,
  );
  console.log(
    `  remove one worker (drained, Node gone):  median ${s(median(remove))}, min ${s(Math.min(...remove))}, max ${s(Math.max(...remove))}`,
  );
}
