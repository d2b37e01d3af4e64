import { existsSync } from "node:fs";
import { JOIN_FILE, KUBELET_CONF } from "../../node/paths.js";
import { isKubernetesNode } from "../k8s/cluster.js";
import { freshest } from "../k8s/material.js";
import { roleVms } from "../k8s/peers.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

/**
 * Init or join, decided once and deterministically (no locks): the oldest master initialises
 * unless some master already published join material (a cluster exists); everyone else joins.
 * A node that already did one of them keeps to it on a re-run.
 */
export const k8sPlan: Phase<AgentContext> = {
  name: "k8s-plan",
  title: "decide whether this node initialises the cluster or joins it",
  shouldRun: isKubernetesNode,
  async run(ctx) {
    const controlPlane = ctx.role === "master";
    const self = need(ctx.self, "this VM");
    let mode: "init" | "join" = "join";
    if (controlPlane) {
      if (existsSync(JOIN_FILE)) mode = "init";
      else if (!existsSync(KUBELET_CONF)) {
        const masters = await roleVms(ctx.onegate, "master");
        const others = masters.filter((m) => m.id !== self.id);
        if (masters[0]?.id === self.id && freshest(others) === undefined) mode = "init";
      }
    }
    ctx.k8s = { mode, controlPlane };
    ctx.log(
      `[k8s-plan] this ${ctx.role} will ${mode === "init" ? "initialise the cluster" : "join the cluster"}`,
    );
    return "unchanged";
  },
};
