import { type AddonManifests, addonObjects } from "../k8s/addons.js";
import { networkOf } from "../params/ipv4.js";
import type { Role, ServiceConfig } from "../params/types.js";
import { VERSIONS } from "../versions.js";
import type { RenderedFile } from "./files.js";
import {
  type JoinMaterial,
  type KubeadmCluster,
  type KubeadmNode,
  renderKubeadmInit,
  renderKubeadmJoin,
} from "./kubeadm.js";
import { nodeName } from "./names.js";
import { renderFstab } from "./storage.js";
import { type LbMode, NOTIFY_SCRIPT_TEXT, vnfFiles } from "./vnf.js";
import { toYamlStream } from "./yaml.js";

export type { AddonManifests } from "../k8s/addons.js";
export type { LbMode } from "./vnf.js";

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

/** What a VNF writes (the same renderer the vnf agent uses), at paths named for each program. */
function vnfRoleFiles(config: ServiceConfig, inputs: RoleInputs): RenderedFile[] {
  const files = vnfFiles(
    {
      config,
      address: inputs.selfAddress,
      interface: inputs.interface,
      prefix: inputs.prefix,
      network: networkOf(inputs.selfAddress, inputs.prefix),
      virtualRouterId: inputs.virtualRouterId,
      mode: inputs.lbMode,
    },
    { vnfs: inputs.vnfs, masters: inputs.masters },
  );
  return [
    { path: "keepalived/keepalived.conf", content: files.keepalived },
    { path: "keepalived/vrrp-notify.sh", content: NOTIFY_SCRIPT_TEXT, mode: 0o755 },
    ...(files.haproxy === undefined ? [] : [{ path: "haproxy/haproxy.cfg", content: files.haproxy }]),
  ];
}

/** The add-on manifests the first master applies, one file per add-on in apply order. */
export function addonFiles(config: ServiceConfig, manifests: AddonManifests = {}): RenderedFile[] {
  return addonObjects(config, manifests).map((addon) => ({
    path: `addons/${addon.name}.yaml`,
    content: toYamlStream(addon.objects),
  }));
}

/** Every file a VM of `role` would write, as data. */
export function renderRole(role: Role, config: ServiceConfig, inputs: RoleInputs): RenderedFile[] {
  if (role === "vnf") return vnfRoleFiles(config, inputs);
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
