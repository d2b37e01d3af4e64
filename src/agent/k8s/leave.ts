/**
 * A Kubernetes node leaving the cluster when OneFlow scales its role down (its VM is being
 * terminated: the role's cardinality is below its node count). A reboot or an undeploy is not a
 * departure and leaves the cluster as it is. A master takes itself out (drain, Node deleted,
 * `kubeadm reset` removing its etcd member); a worker or storage node asks the control plane,
 * which holds the credentials to drain it, and waits for the answer.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SERVICE_STATE_NAMES } from "../../flow/states.js";
import { kubeClientFromFile } from "../../k8s/client.js";
import { deleteNode, drainNode } from "../../k8s/drain.js";
import { kubeadmReset } from "../../node/kubeadm.js";
import { ADMIN_CONF } from "../../node/paths.js";
import { attribute } from "../../onegate/client-values.js";
import { type AgentContext, need } from "../state.js";
import { exec, nodeOf } from "./cluster.js";
import { persist } from "./persist.js";

export const LEAVE_KEYS = { leaving: "ONEKUBE_LEAVING", left: "ONEKUBE_LEFT" } as const;

const WAIT_MS = 150_000;

/** Whether OneFlow is removing this VM (rather than stopping the whole service, or a reboot). */
export async function beingRemoved(ctx: AgentContext): Promise<boolean> {
  const service = await ctx.onegate.service();
  if (SERVICE_STATE_NAMES[service.state] === "UNDEPLOYING") return false;
  const role = service.roles.find((r) => r.name === ctx.role);
  return role !== undefined && role.cardinality < role.nodes.length;
}

async function leaveAsMaster(ctx: AgentContext): Promise<void> {
  const name = nodeOf(ctx).name;
  // The client holds admin.conf's credentials in memory: it outlives `kubeadm reset` below.
  const api = kubeClientFromFile(ADMIN_CONF);
  try {
    await ctx.onegate.update({ [LEAVE_KEYS.leaving]: "draining" });
    const drain = () => drainNode(api, name, { timeoutMs: 60_000, log: ctx.log });
    const left = await persist("leave", drain, ctx.log);
    if (left.length > 0) ctx.log(`[leave] drain ended with pods left: ${left.join(", ")}`);
    // kubelet would register the Node again; the static pods keep serving until the VM goes.
    ctx.supervisor.stop("kubelet");
    // kubeadm finds this node's etcd member through its Node: reset first, then delete the Node.
    await ctx.onegate.update({ [LEAVE_KEYS.leaving]: "removing its etcd member" });
    const reset = await kubeadmReset(exec);
    const said = reset.output.split("\n").slice(-8).join("\n");
    ctx.log(`[leave] kubeadm reset ${reset.ok ? "done" : "failed"}:\n${said}`);
    await persist("leave", () => deleteNode(api, name), ctx.log);
  } finally {
    api.close();
  }
  await ctx.onegate.update({ [LEAVE_KEYS.left]: "drained; etcd member removed; node deleted" });
}

async function askToLeave(ctx: AgentContext): Promise<void> {
  await ctx.onegate.update({ [LEAVE_KEYS.leaving]: "YES" });
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const left = attribute(await ctx.onegate.vm(), LEAVE_KEYS.left);
    if (left) {
      ctx.log(`[leave] the control plane took this node out: ${left}`);
      return;
    }
    await sleep(1000);
  }
  ctx.log(`[leave] no master answered within ${WAIT_MS / 1000} s; the node is left to the reconciler`);
}

/** Called when the agent is told to stop; returns once this node is out (or it need not leave). */
export async function leaveIfRemoved(ctx: AgentContext): Promise<void> {
  if (!ctx.k8s || !(await beingRemoved(ctx))) return;
  need(ctx.self, "this VM");
  ctx.log(`[leave] this ${ctx.role} is being removed by a scale-down: leaving the cluster`);
  if (ctx.role === "master") await leaveAsMaster(ctx);
  else await askToLeave(ctx);
}
