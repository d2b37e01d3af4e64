/**
 * Applying the add-ons and saying what came of it: used by the first master's add-ons phase
 * and, for an add-on left incomplete (its webhook's pod could not run yet: MetalLB's controller
 * waits for a worker), by the control plane's loop until it is complete.
 */
import { join } from "node:path";
import { imagesOf } from "../../images/catalogue.js";
import { RegistryClient } from "../../images/distribution.js";
import type { AddonStatus } from "../../k8s/addon-status.js";
import { type Addon, addonObjects } from "../../k8s/addons.js";
import { ApplyError, applyObjects } from "../../k8s/apply.js";
import type { KubeClient } from "../../k8s/client.js";
import { downloadManifests } from "../../k8s/download.js";
import { loadAddonManifests } from "../../k8s/manifests.js";
import { NODE_STATE } from "../../node/paths.js";
import { listImages } from "../../node/runtime.js";
import type { RegistryHost } from "../../params/types.js";
import { mirrorRepository } from "../../render/registry.js";
import { type AgentContext, need } from "../state.js";
import { exec } from "./cluster.js";

/** Whether an image can be had: held by the node, or by the only registry it may pull from. */
export type Holds = (reference: string) => Promise<boolean>;

export async function nodeHolds(): Promise<Holds> {
  const images = await listImages(exec);
  return async (reference) => images.has(reference);
}

/** A reference the mirror does not hold cannot be pulled at all (hosts.toml has no fallback). */
export function mirrorHolds(mirror: RegistryHost): Holds {
  const client = new RegistryClient(mirror);
  return async (reference) => {
    const { repository, tag } = mirrorRepository(reference);
    return client.hasManifest(repository, tag).catch(() => false);
  };
}

/** The add-on objects for this service, from the platform's manifests or the checked downloads. */
export async function loadAddons(ctx: AgentContext): Promise<Addon[]> {
  let dir = need(ctx.platform, "the platform").addonsDir;
  if (!dir) {
    dir = join(NODE_STATE, "addons");
    await downloadManifests(dir, ctx.log);
  }
  const withoutCalico = need(ctx.platform, "the platform").podNetwork === "flannel";
  return addonObjects(need(ctx.config, "the parameters"), await loadAddonManifests(dir), { withoutCalico });
}

/** How to tell an image's availability where nodes pull from one registry only or import archives. */
export async function imageHolds(ctx: AgentContext): Promise<Holds | undefined> {
  const mirror = need(ctx.config, "the parameters").registryMirror;
  if (mirror) return mirrorHolds(mirror);
  return need(ctx.platform, "the platform").imageArchives ? nodeHolds() : undefined;
}

/**
 * Applies one add-on by server-side apply. A webhook that does not answer within 5 s leaves
 * the add-on `incomplete` (a later call retries) instead of holding the master back.
 */
export async function applyAddon(
  client: KubeClient,
  addon: Addon,
  holds: Holds | undefined,
): Promise<AddonStatus> {
  const references = [...new Set(imagesOf(addon.objects).map((i) => i.reference))].sort();
  const missingImages: string[] = [];
  for (const r of holds ? references : []) if (!(await holds?.(r))) missingImages.push(r);
  const notes = addon.note ? [addon.note] : [];
  let incomplete = false;
  try {
    await applyObjects(client, addon.objects, { fieldManager: "onekube", retry: { webhookMs: 5000 } });
  } catch (error) {
    if (!(error instanceof ApplyError && error.failure === "webhook")) throw error;
    incomplete = true;
    notes.push(
      `${error.object} not applied yet: its admission webhook does not answer (the add-on's controller is not running; retried)`,
    );
  }
  const note = notes.join("; ");
  return {
    name: addon.name,
    state: incomplete ? "incomplete" : "applied",
    objects: addon.objects.length,
    missingImages,
    ...(note ? { note } : {}),
  };
}
