import { ADDONS_KEY, type AddonStatus, describeAddon, encodeAddons } from "../../k8s/addon-status.js";
import { kubeClientFromFile } from "../../k8s/client.js";
import { waitForApi } from "../../k8s/wait.js";
import { ADMIN_CONF } from "../../node/paths.js";
import { attribute } from "../../onegate/client-values.js";
import { applyAddon, imageHolds, loadAddons } from "../k8s/addons-apply.js";
import type { Phase } from "../runner.js";
import type { AgentContext } from "../state.js";

/**
 * Canal, Longhorn and MetalLB, applied by the first master once its API answers, by
 * server-side apply (a re-run changes nothing). Where nodes pull only from a mirror (or import
 * archives), the images the add-ons' pods need but the mirror (or node) lacks are reported; an
 * add-on whose webhook cannot answer yet is published as incomplete, not hidden, and the
 * control plane's loop applies it again until it is complete.
 */
export const addonsPhase: Phase<AgentContext> = {
  name: "addons",
  title: "apply the add-ons (Canal, Longhorn with its storage classes, MetalLB) by server-side apply",
  shouldRun: (ctx) => ctx.k8s?.mode === "init",
  async run(ctx) {
    const addons = await loadAddons(ctx);
    const holds = await imageHolds(ctx);
    const client = kubeClientFromFile(ADMIN_CONF);
    const statuses: AddonStatus[] = [];
    try {
      await waitForApi(client, { timeoutMs: 120_000 });
      for (const addon of addons) {
        const start = Date.now();
        const status = await applyAddon(client, addon, holds);
        statuses.push(status);
        ctx.log(`[addons] ${describeAddon(status)} in ${Date.now() - start} ms`);
      }
    } finally {
      client.close();
    }
    const value = encodeAddons(statuses);
    if (ctx.self && attribute(ctx.self, ADDONS_KEY) === value) return "unchanged";
    await ctx.onegate.update({ [ADDONS_KEY]: value });
    return "changed";
  },
};
