import { existsSync } from "node:fs";
import { join } from "node:path";
import { writeIfChanged } from "../../host/files.js";
import { caCertHash, generateMaterial, kubeadmInit, kubeadmReset } from "../../node/kubeadm.js";
import { ADMIN_CONF, APISERVER_MANIFEST, CA_CERT, KUBEADM_DIR } from "../../node/paths.js";
import { renderKubeadmInit } from "../../render/kubeadm.js";
import { clusterOf, exec, nodeOf } from "../k8s/cluster.js";
import { readJoinFile, writeJoinFile } from "../k8s/join-file.js";
import { KEY_TTL_MS, materialAttributes, materialOf, TOKEN_TTL_MS } from "../k8s/material.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

/**
 * `kubeadm init` on the first master, with a token and certificate key minted (and kept on
 * disk) first, so a re-run after a crash uses the same ones; then the join material goes to
 * OneGate for the other nodes.
 */
export const kubeadmInitPhase: Phase<AgentContext> = {
  name: "kubeadm-init",
  title: "initialise the cluster (kubeadm init --upload-certs) and publish the join material",
  shouldRun: (ctx) => ctx.k8s?.mode === "init",
  async run(ctx) {
    let minted = readJoinFile();
    if (!minted) {
      minted = { ...(await generateMaterial(exec)), mintedAt: Date.now() };
      writeJoinFile(minted);
    }
    const file = renderKubeadmInit(clusterOf(ctx), nodeOf(ctx), minted);
    const config = join(KUBEADM_DIR, "init.yaml");
    let changed = await writeIfChanged(config, file.content, file.mode ?? 0o600);
    if (!existsSync(ADMIN_CONF) || !existsSync(APISERVER_MANIFEST)) {
      const start = Date.now();
      try {
        await kubeadmInit(exec, config);
      } catch (error) {
        await kubeadmReset(exec);
        throw error;
      }
      ctx.log(`[kubeadm-init] kubeadm init done in ${Date.now() - start} ms`);
      changed = true;
    }
    const self = need(ctx.self, "this VM");
    if (materialOf(self) === undefined) {
      await ctx.onegate.update(
        materialAttributes({
          master: need(ctx.address, "the address"),
          token: minted.token,
          certificateKey: minted.certificateKey,
          caCertHash: caCertHash(CA_CERT),
          tokenExpires: minted.mintedAt + TOKEN_TTL_MS,
          keyExpires: minted.mintedAt + KEY_TTL_MS,
        }),
      );
      changed = true;
    }
    return changed ? "changed" : "unchanged";
  },
};
