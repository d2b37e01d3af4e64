import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { writeIfChanged } from "../../host/files.js";
import { kubeadmJoin, kubeadmReset } from "../../node/kubeadm.js";
import { APISERVER_MANIFEST, KUBEADM_DIR, KUBELET_CONF } from "../../node/paths.js";
import type { OneGateVm } from "../../onegate/client-values.js";
import { renderKubeadmJoin } from "../../render/kubeadm.js";
import { clusterOf, exec, nodeOf } from "../k8s/cluster.js";
import { freshest, type PublishedMaterial, usable } from "../k8s/material.js";
import { isReady, roleVms } from "../k8s/peers.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

const WAIT_MS = 30 * 60_000;
const ATTEMPTS = 4;
const RETRY_SAME_AFTER_MS = 60_000;

type FailedJoin = PublishedMaterial & { readonly at: number };
/** Material must outlive the join by this much; older material waits for the masters to mint more. */
const MARGIN_MS = 5 * 60_000;

/** Why this node cannot join yet, or the material to join with. */
function readiness(
  masters: readonly OneGateVm[],
  selfId: number,
  controlPlane: boolean,
  failed: readonly FailedJoin[],
) {
  // Control-plane joins go one at a time, oldest first: etcd grows by one member at a time.
  const before = masters.filter((m) => m.id < selfId && !isReady(m));
  if (controlPlane && before.length > 0)
    return { wait: `masters ${before.map((m) => m.id).join(", ")} are not READY yet` };
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

async function waitForMaterial(
  ctx: AgentContext,
  controlPlane: boolean,
  failed: readonly FailedJoin[],
): Promise<PublishedMaterial> {
  const selfId = need(ctx.self, "this VM").id;
  const deadline = Date.now() + WAIT_MS;
  let said = "";
  for (;;) {
    const r = readiness(await roleVms(ctx.onegate, "master"), selfId, controlPlane, failed);
    if (r.material) return r.material;
    if (r.wait !== said) ctx.log(`[kubeadm-join] waiting: ${r.wait}`);
    said = r.wait ?? "";
    if (Date.now() > deadline) throw new Error(`could not join within ${WAIT_MS / 60_000} min: ${said}`);
    await sleep(2000);
  }
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
    for (let attempt = 1; ; attempt++) {
      const material = await waitForMaterial(ctx, controlPlane, failed);
      const file = renderKubeadmJoin(clusterOf(ctx), nodeOf(ctx), material, kind);
      await writeIfChanged(config, file.content, file.mode ?? 0o600);
      const start = Date.now();
      ctx.log(
        `[kubeadm-join] joining as ${kind} with material from master ${material.master} (attempt ${attempt})`,
      );
      try {
        await kubeadmJoin(exec, config);
        ctx.log(`[kubeadm-join] kubeadm join done in ${Date.now() - start} ms`);
        break;
      } catch (error) {
        await kubeadmReset(exec);
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
