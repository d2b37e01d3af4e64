import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { vmDir } from "../src/local/names.js";
import { ONEKUBE } from "../test/helpers/cli.js";
import { roleVms, statusOf } from "../test/helpers/vnf.js";
import { median } from "./stats.js";

/** `[phase] changed in N ms` and the finer lines the master phases log, from a VM's agent log. */
function phaseTimes(log: string): Record<string, number> {
  const times: Record<string, number> = {};
  for (const m of log.matchAll(/\[([\w-]+)\] (?:changed|unchanged) in (\d+) ms/g))
    times[m[1] ?? ""] = Number(m[2]);
  for (const m of log.matchAll(/\[addons\] (\w+): .* in (\d+) ms/g)) times[`addon ${m[1]}`] = Number(m[2]);
  // The join phase includes the wait for the masters before it; kubeadm's own time is logged apart.
  for (const m of log.matchAll(/kubeadm join done in (\d+) ms/g)) times["kubeadm join itself"] = Number(m[1]);
  return times;
}

/**
 * Time from `onekube up` to three Ready control-plane nodes (vnf + master roles, real
 * Kubernetes in the local cloud), with the time of each master's phases: the first master's
 * runtime start, init and add-ons, each other master's wait and join. Needs root and the
 * build cache of scripts/setup.
 */
export async function benchControlPlane(runs: number): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "onekube-bench-cp-"));
  const env = { ONEKUBE_ROOT: root };
  const total: number[] = [];
  const phases: Record<string, number[]> = {};
  const record = (what: string, ms: number) => {
    phases[what] = [...(phases[what] ?? []), ms];
  };
  try {
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await execa(
        "node",
        [ONEKUBE, "up", "--name", "benchc", "--role-size", "worker=0", "--role-size", "storage=0"],
        { env },
      );
      total.push(performance.now() - t);
      const masters = roleVms(await statusOf(env, "benchc"), "master");
      masters.forEach((m, n) => {
        const log = readFileSync(join(vmDir(root, "benchc", m.id), "agent.log"), "utf8");
        for (const [phase, ms] of Object.entries(phaseTimes(log))) {
          if (
            ![
              "node-runtime",
              "kubeadm-init",
              "kubeadm-join",
              "kubeadm join itself",
              "addons",
              "node-health",
            ].includes(phase) &&
            !phase.startsWith("addon ")
          )
            continue;
          record(`master ${n + 1} ${phase}`, ms);
        }
        if (m.createdAt !== undefined && m.readyAt !== undefined)
          record(`master ${n + 1} VM start -> READY`, m.readyAt - m.createdAt);
      });
      await execa("node", [ONEKUBE, "down", "benchc"], { env });
    }
  } finally {
    await execa("node", [ONEKUBE, "down", "benchc"], { env, reject: false });
    await rm(root, { recursive: true, force: true });
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`local cloud, 2 vnf + 3 master (kubeadm v1.36, stacked etcd), ${runs} runs`);
  console.log(
    `  up -> three Ready control-plane nodes: median ${s(median(total))}, min ${s(Math.min(...total))}, max ${s(Math.max(...total))}`,
  );
  for (const [phase, ms] of Object.entries(phases).sort(([a], [b]) => a.localeCompare(b)))
    console.log(`  ${phase.padEnd(40)} median ${s(median(ms))}`);
}
