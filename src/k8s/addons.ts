import type { KubeObject, ServiceConfig } from "../params/types.js";
import { renderCanal } from "../render/canal.js";
import { renderLonghornStorageClasses, withLonghornDefaultClass } from "../render/longhorn.js";
import { withLonghornStorageNodes } from "../render/longhorn-nodes.js";
import { renderMetalLb } from "../render/metallb.js";

/**
 * The add-ons the first master installs, as objects in the order they are applied. This is
 * the one place that decides what each add-on consists of; `onekube render` writes the same
 * objects to files.
 */

export const ADDON_NAMES = ["canal", "longhorn", "metallb"] as const;
export type AddonName = (typeof ADDON_NAMES)[number];

/** The pinned upstream manifests, parsed; an absent one contributes no upstream objects. */
export type AddonManifests = { readonly [name in AddonName]?: readonly KubeObject[] };

export interface Addon {
  readonly name: AddonName;
  readonly objects: KubeObject[];
}

export function addonObjects(config: ServiceConfig, manifests: AddonManifests): Addon[] {
  const addons: Addon[] = [];
  if (manifests.canal) {
    addons.push({ name: "canal", objects: renderCanal(manifests.canal, config.podsNetwork) });
  }
  // Both classes are applied as objects even though Longhorn's manager owns `longhorn` and
  // re-creates it from its ConfigMap: the class must exist where the manager cannot run (the
  // local cloud has neither its images nor iSCSI), and withLonghornDefaultClass makes that
  // ConfigMap hold our very class, so the manager's copy has the same content.
  addons.push({
    name: "longhorn",
    objects: [
      ...(manifests.longhorn
        ? withLonghornStorageNodes(withLonghornDefaultClass(manifests.longhorn), config.storage.mountpoint)
        : []),
      ...renderLonghornStorageClasses(),
    ],
  });
  // MetalLB's pools and advertisements need its CRDs (and its webhook) from the upstream manifest.
  const metallb = [
    ...(manifests.metallb ?? []),
    ...(config.loadBalancer ? renderMetalLb(config.loadBalancer) : []),
  ];
  if (metallb.length > 0) addons.push({ name: "metallb", objects: metallb });
  return addons;
}
