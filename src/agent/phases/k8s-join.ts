import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { writeIfChanged } from "../../host/files.js";
import {
  CONTROL_PLANE_JOIN,
  kubeadmJoin,
  kubeadmJoinStep,
  kubeadmReset,
  pullControlPlaneImages,
} from "../../node/kubeadm.js";
import { APISERVER_MANIFEST, KUBEADM_DIR, KUBELET_CONF } from "../../node/paths.js";
import { pullMissing } from "../../node/runtime.js";
import { attribute, type OneGateVm } from "../../onegate/client-values.js";
import { REGISTRY_HOSTS_DIR } from "../../render/containerd.js";
import { renderKubeadmJoin } from "../../render/kubeadm.js";
import { VERSIONS } from "../../versions.js";
import { clusterOf, exec, nodeOf } from "../k8s/cluster.js";
import { restartKubeletForBootstrap, waitSigned } from "../k8s/join-waits.js";
import { freshest, materialOf, type PublishedMaterial, usable } from "../k8s/material.js";
import { isReady, roleVms } from "../k8s/peers.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

const WAIT_MS = 30 * 60_000;
const ATTEMPTS = 4;
const RETRY_SAME_AFTER_MS = 60_000;

/** What every node runs before any workload: the pod sandbox and kube-proxy. */
const NODE_IMAGES = [
  `registry.k8s.io/pause:${VERSIONS.pause}`,
  `registry.k8s.io/kube-proxy:${VERSIONS.kubernetes}`,
];

type FailedJoin = PublishedMaterial & { readonly at: number };
/** Published by a joining master once its etcd member is in (and YES for the one that initialised). */
export const ETCD_MEMBER_KEY = "ONEKUBE_ETCD_MEMBER";
/** Material must outlive the join by this much; older material waits for the masters to mint more. */
const MARGIN_MS = 5 * 60_000;

/** Why this node cannot join yet, or the material to join with. */
function readiness(masters: readonly OneGateVm[], controlPlane: boolean, failed: readonly FailedJoin[]) {
  const material = freshest(masters);
  if (!material) return { wait: "no master has published join material yet" };
  if (!usable(material, controlPlane, Date.now(), MARGIN_MS))
    return { wait: "the published join material expires too soon; waiting for fresh material" };
  // After a failed join, fresher material is waited for a while, then the same is tried again:
  // the failure may have had another cause (a busy machine) and the material may be good.
  const lastFailure = failed.findLast(
    (f) => f.token === material.token && f.certificateKey === material.certificateKey,
  );
  if (lastFailure && Date.now() - lastFailure.at < RETRY_SAME_AFTER_MS)
    return { wait: "the last join with this material failed; waiting for fresh material, or a minute" };
  return { material };
}

/**
 * etcd grows by one member at a time, oldest master first: this master's member may be added once
 * every older master's is in (it said so, it initialised the cluster, or it is READY).
 */
export function etcdTurn(masters: readonly OneGateVm[], selfId: number): string | undefined {
  const before = masters.filter(
    (m) =>
      m.id < selfId && !isReady(m) && attribute(m, ETCD_MEMBER_KEY) !== "YES" && materialOf(m) === undefined,
  );
  return before.length > 0
    ? `masters ${before.map((m) => m.id).join(", ")} have no etcd member yet`
    : undefined;
}

async function waitFor<T>(
  ctx: AgentContext,
  what: (masters: OneGateVm[]) => { wait?: string; value?: T },
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let said = "";
  for (;;) {
    const r = what(await roleVms(ctx.onegate, "master"));
    if (r.value !== undefined) return r.value;
    if (r.wait !== said) ctx.log(`[kubeadm-join] waiting: ${r.wait}`);
    said = r.wait ?? "";
    if (Date.now() > deadline) throw new Error(`could not join within ${WAIT_MS / 60_000} min: ${said}`);
    await sleep(1000);
  }
}

function waitForMaterial(ctx: AgentContext, controlPlane: boolean, failed: readonly FailedJoin[]) {
  return waitFor(ctx, (masters) => {
    const r = readiness(masters, controlPlane, failed);
    return r.material ? { value: r.material } : { wait: r.wait };
  });
}

async function timed(ctx: AgentContext, what: string, f: () => Promise<unknown>): Promise<void> {
  const start = Date.now();
  await f();
  ctx.log(`[kubeadm-join] ${what} done in ${Date.now() - start} ms`);
}

/**
 * A control plane joins in kubeadm's phases: everything that touches no etcd member at once
 * (so the masters prepare side by side), then its turn for etcd, then the rest on its own.
 */
async function joinControlPlane(ctx: AgentContext, config: string, images: Promise<void>): Promise<void> {
  const selfId = need(ctx.self, "this VM").id;
  await images;
  const step = (phase: string) =>
    timed(ctx, `kubeadm join phase ${phase}`, () => kubeadmJoinStep(exec, config, phase));
  for (const phase of CONTROL_PLANE_JOIN.prepare) await step(phase);
  await waitFor(ctx, (masters) => {
    const wait = etcdTurn(masters, selfId);
    return wait ? { wait } : { value: true };
  });
  for (const phase of CONTROL_PLANE_JOIN.etcd) await step(phase);
  await ctx.onegate.update({ [ETCD_MEMBER_KEY]: "YES" });
  await restartKubeletForBootstrap(ctx);
  for (const phase of CONTROL_PLANE_JOIN.finish) await step(phase);
}

/** `kubeadm join` through the endpoint, as a control plane (masters) or a node, with OneGate's material. */
export const kubeadmJoinPhase: Phase<AgentContext> = {
  name: "kubeadm-join",
  title: "join the cluster through the endpoint with the join material from OneGate",
  shouldRun: (ctx) => ctx.k8s?.mode === "join",
  async run(ctx) {
    const { controlPlane } = need(ctx.k8s, "the k8s plan");
    if (existsSync(KUBELET_CONF) && (!controlPlane || existsSync(APISERVER_MANIFEST))) return "unchanged";
    const kind = controlPlane ? "control-plane" : ctx.role === "storage" ? "storage" : "worker";
    const config = join(KUBEADM_DIR, "join.yaml");
    // Published material can stop working before its published end (its Secrets deleted, a
    // clock off): a join that fails is undone, and tried again with new material, or with the
    // same after a minute (the failure may have had another cause).
    const failed: FailedJoin[] = [];
    // Images fetched ahead, a failed pull only logged: a master, while the first one initialises,
    // what its preflight would pull (and report); a node, while it joins, what its first pods need
    // (the sandbox, kube-proxy), since its pod network waits for kube-proxy's first sync.
    const images = controlPlane
      ? timed(ctx, "pulling the control-plane images", () =>
          pullControlPlaneImages(exec, VERSIONS.kubernetes, nodeOf(ctx).criSocket),
        ).catch((e: unknown) =>
          ctx.log(`[kubeadm-join] pulling the control-plane images failed: ${String(e)}`),
        )
      : timed(ctx, "pulling the node's images", () =>
          pullMissing(exec, NODE_IMAGES, REGISTRY_HOSTS_DIR),
        ).catch((e: unknown) => ctx.log(`[kubeadm-join] pulling the node's images failed: ${String(e)}`));
    for (let attempt = 1; ; attempt++) {
      const material = await waitForMaterial(ctx, controlPlane, failed);
      const file = renderKubeadmJoin(clusterOf(ctx), nodeOf(ctx), material, kind);
      await writeIfChanged(config, file.content, file.mode ?? 0o600);
      const start = Date.now();
      ctx.log(
        `[kubeadm-join] joining as ${kind} with material from master ${material.master} (attempt ${attempt})`,
      );
      try {
        await waitSigned(ctx, material);
        if (controlPlane) await joinControlPlane(ctx, config, images);
        else await kubeadmJoin(exec, config);
        ctx.log(`[kubeadm-join] kubeadm join done in ${Date.now() - start} ms`);
        break;
      } catch (error) {
        await kubeadmReset(exec);
        // kubelet runs on with the files reset removed: once restarted, it waits for new ones, and
        // frees its port for the next attempt's preflight
        ctx.supervisor.signal("kubelet", "SIGTERM");
        // reset took this master's etcd member out again
        if (controlPlane) await ctx.onegate.update({ [ETCD_MEMBER_KEY]: "NO" }).catch(() => {});
        if (attempt >= ATTEMPTS) throw error;
        // The tool's own words matter here (kubeadm says why it gave up at the end).
        const said = error instanceof Error ? error.message : String(error);
        ctx.log(
          `[kubeadm-join] join failed; undone with kubeadm reset; will retry:\n${said.trim().split("\n").slice(-15).join("\n")}`,
        );
        failed.push({ ...material, at: Date.now() });
      }
    }
    return "changed";
  },
};
