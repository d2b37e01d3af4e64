import { withBuiltAddonImages } from "../images/addon-images.js";
import type { KubeObject, ServiceConfig } from "../params/types.js";
import { renderCanal } from "../render/canal.js";
import { canalWithoutCalico, WITHOUT_CALICO_NOTE } from "../render/canal-flannel.js";
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
  /** What was left out on purpose, for the add-on's status. */
  readonly note?: string;
}

export interface AddonOptions {
  /** Canal's flannel half only (the platform cannot have Calico's images): canal-flannel.ts. */
  readonly withoutCalico?: boolean;
}

/**
 * Each add-on's objects, with every image onekube builds pointed at the built tag (Canal's
 * flannel: the version its manifest pins has no served source), so that a registry loaded by
 * `onekube images push` holds every built image the objects name.
 */
export function addonObjects(
  config: ServiceConfig,
  manifests: AddonManifests,
  o: AddonOptions = {},
): Addon[] {
  return renderAddons(config, manifests, o).map((a) => ({ ...a, objects: withBuiltAddonImages(a.objects) }));
}

function renderAddons(config: ServiceConfig, manifests: AddonManifests, o: AddonOptions): Addon[] {
  const addons: Addon[] = [];
  if (manifests.canal) {
    const canal = renderCanal(manifests.canal, config.podsNetwork);
    addons.push(
      o.withoutCalico
        ? { name: "canal", objects: canalWithoutCalico(canal, config.endpoint), note: WITHOUT_CALICO_NOTE }
        : { name: "canal", objects: canal },
    );
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
