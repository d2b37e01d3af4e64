import { setTimeout as sleep } from "node:timers/promises";
import { type KubeClient, kubeClientFromFile } from "../../k8s/client.js";
import { failing, type HealthCheck, nodeChecks } from "../../node/health.js";
import { nodeOf } from "../k8s/cluster.js";
import { readNode } from "../k8s/kube.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";
import { kubeconfigOf } from "./k8s-network.js";

const WAIT_MS = 10 * 60_000;

/** READY only when this node's parts answer healthy (kubelet; API server and etcd on a master) and its Node is Ready. */
export const nodeHealth: Phase<AgentContext> = {
  name: "node-health",
  title: "wait until kubelet (and the API server and etcd member) are healthy and the node is Ready",
  shouldRun: (ctx) => ctx.k8s !== undefined,
  async run(ctx) {
    const { controlPlane } = need(ctx.k8s, "the k8s plan");
    const node = nodeOf(ctx);
    const checks = nodeChecks(controlPlane, node.address, need(ctx.config, "the parameters").apiPort);
    const api = kubeClientFromFile(kubeconfigOf(ctx));
    try {
      await waitHealthy(ctx, api, checks, node.name);
    } finally {
      api.close();
    }
    return "unchanged";
  },
};

async function waitHealthy(
  ctx: AgentContext,
  api: KubeClient,
  checks: HealthCheck[],
  name: string,
): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  let said = "";
  for (;;) {
    const bad = await failing(checks);
    const view = bad.length === 0 ? await readNode(api, name).catch(() => undefined) : undefined;
    if (bad.length === 0 && view?.ready) return;
    const why = bad.length > 0 ? `not healthy yet: ${bad.join(", ")}` : `node ${name} is not Ready yet`;
    if (why !== said) ctx.log(`[node-health] ${why}`);
    said = why;
    if (Date.now() > deadline) throw new Error(`${why} after ${WAIT_MS / 60_000} min`);
    await sleep(1000);
  }
}
