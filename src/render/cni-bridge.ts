import type { RenderedFile } from "./files.js";

/** onekube's CNI plugin chained after the bridge (src/node/cni-neigh.ts). */
export const NEIGH_PLUGIN = "onekube-neigh";

/** Sorts before Canal's `10-canal.conflist`, so kubelet picks it where both are present. */
export const BRIDGE_CONFLIST = "05-onekube-bridge.conflist";

/**
 * The standard CNI plugins' network for one node (the local cloud, where Canal's images are not
 * at hand): a Linux bridge with the node's pod CIDR, addresses from host-local. Traffic to other
 * nodes' pods leaves through the node's routes (one per peer, or flannel's VXLAN device, whose
 * 50-byte header the pods' `mtu` leaves room for), unmasqueraded, so pod addresses stay visible
 * end to end; hairpin lets a pod reach itself through a Service.
 */
export function renderBridgeConflist(podCidr: string, o: { mtu?: number } = {}): RenderedFile {
  const conflist = {
    cniVersion: "1.0.0",
    name: "onekube",
    plugins: [
      {
        type: "bridge",
        bridge: "cni0",
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ...(o.mtu === undefined ? {} : { mtu: o.mtu }),
        ipam: { type: "host-local", ranges: [[{ subnet: podCidr }]], routes: [{ dst: "0.0.0.0/0" }] },
      },
      // A pod address handed out again is reached at its new MAC at once (src/node/cni-neigh.ts).
      { type: NEIGH_PLUGIN, bridge: "cni0" },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  };
  return { path: BRIDGE_CONFLIST, content: `${JSON.stringify(conflist, null, 2)}\n`, mode: 0o644 };
}

export interface PeerNode {
  readonly address: string;
  readonly podCidr: string;
}

/** The routes a node needs to reach the other nodes' pods: `ip route replace CIDR via ADDRESS`. */
export function peerRoutes(self: string, nodes: readonly PeerNode[]): PeerNode[] {
  return nodes
    .filter((n) => n.address !== self && n.podCidr)
    .toSorted((a, b) => a.podCidr.localeCompare(b.podCidr));
}
