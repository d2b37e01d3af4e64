/**
 * Two waits of a join that kubeadm would make longer: for cluster-info's signature (kubeadm
 * looks again only every 5 s) and, on a joining master, for kubelet's TLS bootstrap (kubelet's
 * certificate manager backs off while its own API server cannot serve yet). Issue 14.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { clusterInfoSigned, tokenId } from "../../k8s/cluster-info.js";
import { probe } from "../../node/health.js";
import { KUBELET_CLIENT_CERT } from "../../node/paths.js";
import { type AgentContext, need } from "../state.js";
import { clusterOf, nodeOf } from "./cluster.js";
import type { PublishedMaterial } from "./material.js";

/** How long a joining master waits for its API server before it leaves kubelet to its back-off. */
const API_READY_WAIT_MS = 60_000;
/** How long a joiner looks for cluster-info's signature before it leaves the waiting to kubeadm. */
const SIGNED_WAIT_MS = 30_000;

/**
 * Until the control plane has signed cluster-info for the material's token (kubeadm, finding it
 * unsigned, would look again only 5 s later); after SIGNED_WAIT_MS kubeadm is left to wait.
 */
export async function waitSigned(ctx: AgentContext, material: PublishedMaterial): Promise<void> {
  const { address, port } = clusterOf(ctx).endpoint;
  const server = `https://${address}:${port}`;
  const id = tokenId(material.token);
  const start = Date.now();
  while (!(await clusterInfoSigned(server, id))) {
    if (Date.now() - start > SIGNED_WAIT_MS) {
      ctx.log(
        `[kubeadm-join] cluster-info not signed for token ${id} after ${SIGNED_WAIT_MS / 1000} s: kubeadm will wait`,
      );
      return;
    }
    await sleep(250);
  }
  ctx.log(`[kubeadm-join] cluster-info signed for token ${id} (waited ${Date.now() - start} ms)`);
}

/**
 * A joining master's kubelet bootstraps its client certificate through its own API server, which
 * can only serve once this master's etcd member is in: until then every request fails, and
 * kubelet's certificate manager backs off (8 s and more by then). Once the API server is ready,
 * kubelet is restarted (its supervisor starts it again at once; the pods run on), so the
 * bootstrap happens now instead of at the end of a back-off.
 */
export async function restartKubeletForBootstrap(ctx: AgentContext): Promise<void> {
  const readyz = `https://${nodeOf(ctx).address}:${need(ctx.config, "the parameters").apiPort}/readyz`;
  const start = Date.now();
  while ((await probe(readyz, 2000))?.status !== 200) {
    if (Date.now() - start > API_READY_WAIT_MS) return;
    await sleep(250);
  }
  if (existsSync(KUBELET_CLIENT_CERT)) return;
  ctx.supervisor.signal("kubelet", "SIGTERM");
  ctx.log(
    `[kubeadm-join] API server ready after ${Date.now() - start} ms: kubelet restarted to bootstrap now`,
  );
}
