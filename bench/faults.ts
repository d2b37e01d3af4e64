import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { ONEKUBE } from "../test/helpers/cli.js";
import { faultTable, runFaults } from "../test/helpers/fault-run.js";

/**
 * The endpoint under faults (issue 15): a control plane (2 vnf, 3 masters, real Kubernetes in
 * the local cloud), a steady stream of API reads and writes through the endpoint, and one fault
 * at a time (test/helpers/fault-run.ts); prints, per fault, the requests failed without and with
 * one retry, the longest gap without an answer and the time the endpoint's address took to move,
 * then whether every acknowledged write survived. Needs root and the build cache.
 */
export async function benchFaults(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "onekube-bench-faults-"));
  const env = { ONEKUBE_ROOT: root, ONEKUBE_LOOP_SECONDS: "2" };
  const name = "benchf";
  try {
    await execa(
      "node",
      [ONEKUBE, "up", "--name", name, "--role-size", "worker=0", "--role-size", "storage=0"],
      {
        env,
      },
    );
    const kubeconfig = join(root, "admin.kubeconfig");
    await execa("node", [ONEKUBE, "kubeconfig", name, "-o", kubeconfig], { env });
    const report = await runFaults(env, name, kubeconfig, { log: (l) => process.stderr.write(`${l}\n`) });
    console.log(
      "endpoint under faults (2 vnf + 3 masters, a call every 100 ms through the endpoint; 2 cores)",
    );
    console.log(faultTable(report));
  } finally {
    await execa("node", [ONEKUBE, "down", name], { env, reject: false });
    await rm(root, { recursive: true, force: true });
  }
}
