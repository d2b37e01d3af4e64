import type { KubeObject, Role, ServiceConfig } from "../params/types.js";
import { VERSIONS } from "../versions.js";
import { renderCanal } from "./canal.js";
import type { RenderedFile } from "./files.js";
import { renderHaproxy } from "./haproxy.js";
import { renderKeepalived } from "./keepalived.js";
import {
  type JoinMaterial,
  type KubeadmCluster,
  type KubeadmNode,
  renderKubeadmInit,
  renderKubeadmJoin,
} from "./kubeadm.js";
import { renderLonghornStorageClasses, withLonghornDefaultClass } from "./longhorn.js";
import { renderMetalLb } from "./metallb.js";
import { nodeName } from "./names.js";
import { renderFstab } from "./storage.js";
import { toYamlStream } from "./yaml.js";

export type LbMode = "lvs" | "haproxy";

/** Everything besides the parameters that decides what a VM of a role writes. */
export interface RoleInputs {
  readonly selfAddress: string;
  readonly masters: readonly string[];
  readonly vnfs: readonly string[];
  readonly interface: string;
  /** Prefix length of the VM network, for the endpoint address on the VNF's NIC. */
  readonly prefix: number;
  readonly virtualRouterId: number;
  readonly lbMode: LbMode;
  readonly join: JoinMaterial & { readonly certificateKey: string };
  /** The pinned upstream manifests, parsed; an add-on whose manifest is absent is skipped. */
  readonly manifests?: AddonManifests;
  readonly criSocket: string;
}

export function kubeadmCluster(config: ServiceConfig): KubeadmCluster {
  return {
    kubernetesVersion: VERSIONS.kubernetes,
    endpoint: config.endpoint,
    apiPort: config.apiPort,
    podsNetwork: config.podsNetwork,
    serviceNetwork: config.serviceNetwork,
  };
}

function vnfFiles(config: ServiceConfig, inputs: RoleInputs): RenderedFile[] {
  const backends = inputs.masters.map((address) => ({ address, port: config.apiPort }));
  const keepalived = renderKeepalived({
    interface: inputs.interface,
    vip: { address: config.endpoint.address, prefix: inputs.prefix },
    virtualRouterId: inputs.virtualRouterId,
    selfAddress: inputs.selfAddress,
    peers: inputs.vnfs.filter((a) => a !== inputs.selfAddress),
    loadBalancer:
      inputs.lbMode === "lvs" ? { mode: "lvs", port: config.endpoint.port, backends } : { mode: "haproxy" },
  });
  if (inputs.lbMode === "lvs") return [keepalived];
  return [keepalived, renderHaproxy({ vip: config.endpoint.address, port: config.endpoint.port, backends })];
}

export interface AddonManifests {
  readonly canal?: readonly KubeObject[];
  readonly longhorn?: readonly KubeObject[];
}

/** The add-on manifests the first master applies. */
export function addonFiles(config: ServiceConfig, manifests: AddonManifests = {}): RenderedFile[] {
  const files: RenderedFile[] = [];
  if (manifests.canal) {
    files.push({
      path: "addons/canal.yaml",
      content: toYamlStream(renderCanal(manifests.canal, config.podsNetwork)),
    });
  }
  let classes = renderLonghornStorageClasses();
  if (manifests.longhorn) {
    // Longhorn's manager owns the `longhorn` class (it recreates it from its ConfigMap), so ours
    // goes into that ConfigMap; only `longhorn-retain` is applied on its own.
    files.push({
      path: "addons/longhorn.yaml",
      content: toYamlStream(withLonghornDefaultClass(manifests.longhorn)),
    });
    classes = classes.filter((c) => c.metadata.name !== "longhorn");
  }
  files.push({ path: "addons/longhorn-storageclasses.yaml", content: toYamlStream(classes) });
  if (config.loadBalancer)
    files.push({ path: "addons/metallb.yaml", content: toYamlStream(renderMetalLb(config.loadBalancer)) });
  return files;
}

/** Every file a VM of `role` would write, as data. */
export function renderRole(role: Role, config: ServiceConfig, inputs: RoleInputs): RenderedFile[] {
  if (role === "vnf") return vnfFiles(config, inputs);
  const cluster = kubeadmCluster(config);
  const node: KubeadmNode = {
    name: nodeName(inputs.selfAddress),
    address: inputs.selfAddress,
    criSocket: inputs.criSocket,
  };
  if (role === "master") {
    return [
      renderKubeadmInit(cluster, node, inputs.join),
      renderKubeadmJoin(cluster, node, inputs.join, "control-plane"),
      ...addonFiles(config, inputs.manifests),
    ];
  }
  if (role === "worker") return [renderKubeadmJoin(cluster, node, inputs.join, "worker")];
  return [renderKubeadmJoin(cluster, node, inputs.join, "storage"), renderFstab(config.storage)];
}
