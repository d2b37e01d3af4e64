import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { writeIfChanged } from "../../host/files.js";
import { kubeClientFromFile } from "../../k8s/client.js";
import { NEIGH_PLUGIN } from "../../node/cni-neigh.js";
import { KUBE_PROXY_HEALTHZ, kubeProxySynced, probe } from "../../node/health.js";
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

/**
 * Until kube-proxy has programmed this node's services, a pod here cannot reach the API server's
 * ClusterIP (MetalLB's controller, scheduled on the first worker, exited once on
 * "dial tcp 10.96.0.1:443: connection refused"). The node stays NotReady ("cni config
 * uninitialized") until the CNI configuration is written, so writing it only after kube-proxy's
 * first sync keeps ordinary pods off the node until Services work there. Bounded: a node whose
 * kube-proxy does not answer still gets its pod network, with a line in the log.
 */
async function waitForKubeProxy(log: (line: string) => void, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  const deadline = start + timeoutMs;
  for (;;) {
    const r = await probe(KUBE_PROXY_HEALTHZ, 1000);
    if (r?.status === 200 && kubeProxySynced(r.body)) {
      log(
        `[pod-network] kube-proxy has synced this node's service rules (waited ${((Date.now() - start) / 1000).toFixed(1)} s)`,
      );
      return;
    }
    if (Date.now() > deadline) {
      log(
        `[pod-network] kube-proxy has not synced its rules within ${timeoutMs / 1000} s (${KUBE_PROXY_HEALTHZ}); writing the pod network's configuration anyway`,
      );
      return;
    }
    await sleep(250);
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
    const conflist = join(CNI_CONF_DIR, file.path);
    if (!existsSync(conflist)) await waitForKubeProxy(ctx.log);
    changed = (await writeIfChanged(conflist, file.content, file.mode)) || changed;
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
