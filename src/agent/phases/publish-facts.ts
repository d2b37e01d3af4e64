import { attribute } from "../../onegate/client-values.js";
import { nodeName } from "../../render/names.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

/** Publishes what peers and tooling read about this VM (the kubeadm-era key names). */
export const publishFacts: Phase<AgentContext> = {
  name: "publish-facts",
  title: "publish this node's name to OneGate",
  shouldRun: (ctx) => ctx.role !== "vnf",
  async run(ctx) {
    const name = nodeName(need(ctx.address, "the address"));
    if (ctx.self && attribute(ctx.self, "ONEGATE_K8S_NODE_NAME") === name) return "unchanged";
    await ctx.onegate.update({ ONEGATE_K8S_NODE_NAME: name });
    return "changed";
  },
};
