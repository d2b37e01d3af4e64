/**
 * What a Kubernetes node's agent keeps doing after READY: the bridge pod network's routes
 * follow the nodes, and the oldest READY master keeps the join material fresh.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { kubeClientFromFile } from "../../k8s/client.js";
import { prepareStorageDisk } from "../../node/disk.js";
import { ADMIN_CONF } from "../../node/paths.js";
import { type AgentContext, need } from "../state.js";
import { retryIncompleteAddons } from "./addons-retry.js";
import { exec } from "./cluster.js";
import { reconcileVanished, serveDepartures } from "./departures.js";
import { reconcileEtcd } from "./etcd-members.js";
import { describeApiError } from "./kube.js";
import { isReady, podCidrPeers, roleVms } from "./peers.js";
import { refreshMaterial } from "./refresh.js";
import { syncRoutes } from "./routes.js";

/** Nodes seen without a VM in the last round (deleted when seen so again). */
let vanishedBefore = new Set<string>();
/** etcd members seen without a master VM in the last round. */
let strayBefore = new Set<string>();

export async function k8sRound(ctx: AgentContext): Promise<void> {
  const address = need(ctx.address, "the address");
  if (ctx.platform?.podNetwork === "bridge") {
    const peers = await podCidrPeers(ctx.onegate);
    await syncRoutes(exec, address, peers, need(ctx.config, "the parameters").podsNetwork, ctx.log);
  }
  if (ctx.role === "storage") {
    // A disk resized while the VM runs (OpenNebula's disk resize) is grown here, not at the next boot.
    const storage = need(ctx.config, "the parameters").storage;
    const r = await prepareStorageDisk(exec, storage, { log: ctx.log });
    if (r.grown) ctx.log(`[storage-disk] ${storage.device} grown to ${r.filesystemBytes} bytes`);
  }
  if (ctx.role !== "master") return;
  const masters = await roleVms(ctx.onegate, "master");
  const leader = masters.find(isReady);
  if (leader?.id !== need(ctx.self, "this VM").id) return;
  const api = kubeClientFromFile(ADMIN_CONF);
  try {
    await refreshMaterial(ctx.onegate, api, masters, address, ctx.log);
    const nodes = [
      ...masters.map((vm) => ({ ...vm, role: "master" })),
      ...(await roleVms(ctx.onegate, "worker")).map((vm) => ({ ...vm, role: "worker" })),
      ...(await roleVms(ctx.onegate, "storage")).map((vm) => ({ ...vm, role: "storage" })),
    ];
    await serveDepartures(ctx.onegate, api, nodes, ctx.log);
    vanishedBefore = await reconcileVanished(api, nodes, vanishedBefore, ctx.log);
    strayBefore = await reconcileEtcd(masters, strayBefore, ctx.log);
    await retryIncompleteAddons(ctx, api, masters);
  } finally {
    api.close();
  }
}

export async function k8sLoop(ctx: AgentContext, stop: AbortSignal): Promise<void> {
  const every = need(ctx.platform, "the platform").loopSeconds * 1000;
  while (!stop.aborted) {
    try {
      await k8sRound(ctx);
    } catch (error) {
      // One bad round (API briefly away during a failover) is not the end: the next one retries.
      ctx.log(`[k8s-loop] ${describeApiError(error)}`);
    }
    await sleep(every, undefined, { signal: stop }).catch(() => {});
  }
}
