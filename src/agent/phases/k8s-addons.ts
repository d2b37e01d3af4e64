import { join } from "node:path";
import { imagesOf } from "../../images/catalogue.js";
import { ADDONS_KEY, type AddonStatus, describeAddon, encodeAddons } from "../../k8s/addon-status.js";
import { addonObjects } from "../../k8s/addons.js";
import { ApplyError, applyObjects } from "../../k8s/apply.js";
import { kubeClientFromFile } from "../../k8s/client.js";
import { downloadManifests } from "../../k8s/download.js";
import { loadAddonManifests } from "../../k8s/manifests.js";
import { waitForApi } from "../../k8s/wait.js";
import { ADMIN_CONF, NODE_STATE } from "../../node/paths.js";
import { listImages } from "../../node/runtime.js";
import { attribute } from "../../onegate/client-values.js";
import { exec } from "../k8s/cluster.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

/**
 * Canal, Longhorn and MetalLB, applied by the first master once its API answers, by
 * server-side apply (a re-run changes nothing). Where no registry is reachable, the images
 * the add-ons' pods need but the node lacks are reported, and a webhook whose pod cannot
 * start is not waited for long: the add-on is then published as incomplete, not hidden.
 */
export const addonsPhase: Phase<AgentContext> = {
  name: "addons",
  title: "apply the add-ons (Canal, Longhorn with its storage classes, MetalLB) by server-side apply",
  shouldRun: (ctx) => ctx.k8s?.mode === "init",
  async run(ctx) {
    const platform = need(ctx.platform, "the platform");
    let dir = platform.addonsDir;
    if (!dir) {
      dir = join(NODE_STATE, "addons");
      await downloadManifests(dir, ctx.log);
    }
    const addons = addonObjects(need(ctx.config, "the parameters"), await loadAddonManifests(dir));
    const client = kubeClientFromFile(ADMIN_CONF);
    const airGapped = platform.imageArchives !== undefined;
    const held = airGapped ? await listImages(exec) : undefined;
    const statuses: AddonStatus[] = [];
    try {
      await waitForApi(client, { timeoutMs: 120_000 });
      for (const addon of addons) {
        const start = Date.now();
        let note: string | undefined;
        try {
          await applyObjects(client, addon.objects, {
            fieldManager: "onekube",
            retry: airGapped ? { webhookMs: 5000 } : {},
          });
        } catch (error) {
          if (!(error instanceof ApplyError && error.failure === "webhook")) throw error;
          note = `${error.object} not applied: its admission webhook does not answer (the add-on's controller is not running)`;
        }
        const missingImages = held
          ? [...new Set(imagesOf(addon.objects).map((i) => i.reference))].filter((r) => !held.has(r)).sort()
          : [];
        const status: AddonStatus = {
          name: addon.name,
          state: note ? "incomplete" : "applied",
          objects: addon.objects.length,
          missingImages,
          ...(note ? { note } : {}),
        };
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
