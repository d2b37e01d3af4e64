import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { writeIfChanged } from "../../host/files.js";
import { kubeClientFromFile } from "../../k8s/client.js";
import { NEIGH_PLUGIN } from "../../node/cni-neigh.js";
import { ADMIN_CONF, CNI_CONF_DIR, KUBELET_CONF, ONEKUBE_CNI_BIN } from "../../node/paths.js";
import { attribute } from "../../onegate/client-values.js";
import { renderBridgeConflist } from "../../render/cni-bridge.js";
import { exec, nodeOf } from "../k8s/cluster.js";
import { readNode } from "../k8s/kube.js";
import { POD_CIDR_KEY, podCidrPeers } from "../k8s/peers.js";
import { syncRoutes } from "../k8s/routes.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

async function waitForPodCidr(kubeconfig: string, name: string): Promise<string> {
  const api = kubeClientFromFile(kubeconfig);
  try {
    const deadline = Date.now() + 5 * 60_000;
    for (;;) {
      const podCidr = (await readNode(api, name).catch(() => undefined))?.podCidr;
      if (podCidr) return podCidr;
      if (Date.now() > deadline) throw new Error(`node ${name} got no pod CIDR within 5 min`);
      await sleep(1000);
    }
  } finally {
    api.close();
  }
}

export const kubeconfigOf = (ctx: AgentContext) => (ctx.role === "master" ? ADMIN_CONF : KUBELET_CONF);

/** The CNI plugin's program, beside its module (dist/src/node/). */
const NEIGH_MAIN = fileURLToPath(new URL("../../node/cni-neigh-main.js", import.meta.url));

/** flannel's VXLAN header: a pod's packets to other nodes must leave room for it. */
const VXLAN_MTU = 1450;

/**
 * The bridge pod network (where the platform asks for it instead of Canal's own CNI): the node's
 * pod CIDR, allocated by the controller manager, goes into the CNI configuration; the peers' are
 * reached by a route to each (`bridge`) or through flannel's VXLAN, which programs its own (`flannel`).
 */
export const podNetwork: Phase<AgentContext> = {
  name: "pod-network",
  title: "configure the bridge pod network for this node's pod CIDR, with routes to its peers (or flannel's)",
  shouldRun: (ctx) =>
    ctx.k8s !== undefined &&
    (ctx.platform?.podNetwork === "bridge" || ctx.platform?.podNetwork === "flannel"),
  async run(ctx) {
    const node = nodeOf(ctx);
    const podCidr = await waitForPodCidr(kubeconfigOf(ctx), node.name);
    const flannel = ctx.platform?.podNetwork === "flannel";
    const file = renderBridgeConflist(podCidr, flannel ? { mtu: VXLAN_MTU } : {});
    // The plugin the configuration chains after the bridge: this very onekube's, through a wrapper.
    const plugin = `#!/bin/sh\nexec '${process.execPath}' '${NEIGH_MAIN}'\n`;
    let changed = await writeIfChanged(join(ONEKUBE_CNI_BIN, NEIGH_PLUGIN), plugin, 0o755);
    changed = (await writeIfChanged(join(CNI_CONF_DIR, file.path), file.content, file.mode)) || changed;
    const config = need(ctx.config, "the parameters");
    if (!ctx.self || attribute(ctx.self, POD_CIDR_KEY) !== podCidr) {
      await ctx.onegate.update({ [POD_CIDR_KEY]: podCidr });
      changed = true;
    }
    if (flannel) return changed ? "changed" : "unchanged";
    const peers = await podCidrPeers(ctx.onegate);
    changed = (await syncRoutes(exec, node.address, peers, config.podsNetwork, ctx.log)) || changed;
    return changed ? "changed" : "unchanged";
  },
};
