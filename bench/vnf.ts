import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCloudInfo } from "../src/local/cloud-state.js";
import { onekube } from "../test/helpers/cli.js";
import {
  clientLoop,
  haproxyBackends,
  holders,
  probe,
  roleVms,
  standInServer,
  statusOf,
  stopKeepalived,
  waitFor,
} from "../test/helpers/vnf.js";
import { median } from "./stats.js";

/**
 * The vnf role on the local cloud (real keepalived + HAProxy): endpoint failover time and the
 * connections a looping client loses meanwhile, and how long the backends take to follow a
 * master scale-up. Needs root.
 */
export async function benchVnf(failovers: number): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "onekube-bench-vnf-"));
  // Stand-in masters: no Kubernetes in the VMs.
  const env = { ONEKUBE_ROOT: root, ONEKUBE_NODE_RUNTIME: "none" };
  const name = "bvnf";
  const servers: ReturnType<typeof standInServer>[] = [];
  try {
    const up = await onekube(
      [
        "up",
        "--name",
        name,
        "--role-size",
        "worker=1",
        "--set",
        "ONEAPP_VNF_LB_REFRESH_RATE=30",
        "--cooldown",
        "1",
      ],
      env,
    );
    if (up.code !== 0) throw new Error(up.stderr);
    const info = readCloudInfo(root, name);
    if (!info) throw new Error("no cloud");
    const vip = info.network.gateway.replace(/\.1$/, ".2");
    const view = await statusOf(env, name);
    for (const m of roleVms(view, "master")) servers.push(standInServer(env, name, m.id, 6443));
    await waitFor("the endpoint", 20_000, () => probe(vip, 6443));
    const vnfs = roleVms(view, "vnf").map((v) => v.id);
    const times: number[] = [];
    const lost: number[] = [];
    for (let i = 0; i < failovers; i++) {
      const client = clientLoop(vip, 6443, 20);
      await new Promise((r) => setTimeout(r, 500));
      const [holder] = await holders(env, name, vnfs, vip);
      const t = performance.now();
      await stopKeepalived(env, name, holder ?? 0);
      await waitFor("failover", 15_000, async () => {
        const now = await holders(env, name, vnfs, vip);
        return now.length === 1 && now[0] !== holder ? true : undefined;
      });
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 1000));
      lost.push((await client.stop()).failed);
      // Let the stopped keepalived come back (the agent restarts it) as BACKUP before the next round.
      await new Promise((r) => setTimeout(r, 2000));
    }
    const vnf = vnfs[0] ?? 0;
    const scale = await onekube(["scale", name, "master", "4"], env);
    if (scale.code !== 0) throw new Error(scale.stderr);
    const t = performance.now();
    const want = roleVms(await statusOf(env, name), "master")
      .map((m) => m.ip ?? "")
      .sort();
    await waitFor("backends", 60_000, async () =>
      JSON.stringify(await haproxyBackends(env, name, vnf)) === JSON.stringify(want) ? true : undefined,
    );
    const follow = performance.now() - t;
    console.log(`vnf role (keepalived + HAProxy, local cloud), ${failovers} failovers`);
    console.log(
      `  endpoint failover: median ${(median(times) / 1000).toFixed(2)} s (min ${(Math.min(...times) / 1000).toFixed(2)}, max ${(Math.max(...times) / 1000).toFixed(2)})`,
    );
    console.log(
      `  failed connections per failover (client every 20 ms): median ${median(lost)}, max ${Math.max(...lost)}`,
    );
    console.log(
      `  backends after scale master 3 -> 4 (refresh rate 30 s): ${(follow / 1000).toFixed(2)} s after the scale settled`,
    );
  } finally {
    for (const s of servers) s.kill("SIGKILL");
    await onekube(["down", name], env);
    await rm(root, { recursive: true, force: true });
  }
}
