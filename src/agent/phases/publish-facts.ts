import { attribute } from "../../onegate/client-values.js";
import { nodeName } from "../../render/names.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

/**
 * Publishes what peers and users' tooling read about this VM, under the kubeadm-era names:
 * the node name, and for a master its entry as a backend of the endpoint (`ONEGATE_LB0_*`).
 */
export const publishFacts: Phase<AgentContext> = {
  name: "publish-facts",
  title: "publish this node's name (and a master's endpoint backend) to OneGate",
  shouldRun: (ctx) => ctx.role !== "vnf",
  async run(ctx) {
    const address = need(ctx.address, "the address");
    const facts: Record<string, string> = { ONEGATE_K8S_NODE_NAME: nodeName(address) };
    if (ctx.role === "master") {
      const config = need(ctx.config, "the parameters");
      Object.assign(facts, {
        ONEGATE_LB0_IP: config.endpoint.address,
        ONEGATE_LB0_PORT: String(config.endpoint.port),
        ONEGATE_LB0_PROTOCOL: "TCP",
        ONEGATE_LB0_SERVER_HOST: address,
        ONEGATE_LB0_SERVER_PORT: String(config.apiPort),
      });
    }
    const self = ctx.self;
    if (self && Object.entries(facts).every(([k, v]) => attribute(self, k) === v)) return "unchanged";
    await ctx.onegate.update(facts);
    return "changed";
  },
};
