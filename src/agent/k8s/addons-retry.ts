import {
  ADDONS_KEY,
  type AddonStatus,
  decodeAddons,
  describeAddon,
  encodeAddons,
} from "../../k8s/addon-status.js";
import type { KubeClient } from "../../k8s/client.js";
import { attribute, type OneGateVm } from "../../onegate/client-values.js";
import { type AgentContext, need } from "../state.js";
import { applyAddon, imageHolds, loadAddons } from "./addons-apply.js";

/** Between two tries of an incomplete add-on: each may wait 5 s for its webhook. */
const RETRY_MS = 15_000;
let lastTry = 0;

/**
 * The control plane's leader applies again every add-on published as incomplete (MetalLB's
 * address pools wait for its controller, which runs on a worker), and publishes the outcome.
 */
export async function retryIncompleteAddons(
  ctx: AgentContext,
  api: KubeClient,
  masters: readonly OneGateVm[],
): Promise<void> {
  const known = need(ctx.self, "this VM");
  // This round's view of itself: ctx.self was read when the agent started.
  const self = masters.find((vm) => vm.id === known.id) ?? known;
  const published =
    [self, ...masters].map((vm) => decodeAddons(attribute(vm, ADDONS_KEY))).find((a) => a !== undefined) ??
    [];
  if (!published.some((a) => a.state === "incomplete") || Date.now() - lastTry < RETRY_MS) return;
  lastTry = Date.now();
  const addons = await loadAddons(ctx);
  const holds = await imageHolds(ctx);
  const next: AddonStatus[] = [];
  for (const status of published) {
    const addon = addons.find((a) => a.name === status.name);
    if (status.state !== "incomplete" || !addon) {
      next.push(status);
      continue;
    }
    const now = await applyAddon(api, addon, holds);
    if (now.state === "applied") ctx.log(`[addons] ${describeAddon(now)} (on a later try)`);
    next.push(now);
  }
  const value = encodeAddons(next);
  if (attribute(self, ADDONS_KEY) !== value) await ctx.onegate.update({ [ADDONS_KEY]: value });
}
