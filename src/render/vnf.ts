import type { Ipv4Cidr, ServiceConfig } from "../params/types.js";
import { renderHaproxy } from "./haproxy.js";
import { renderKeepalived } from "./keepalived.js";

export type LbMode = "lvs" | "haproxy";

/** Where a VNF keeps its files and sockets (per-VM directories: private mounts in the local cloud). */
export const VNF_DIR = "/var/lib/onekube/vnf";
export const RUN_DIR = "/run/onekube";
export const VRRP_STATE_FILE = `${RUN_DIR}/vrrp.state`;
export const NOTIFY_SCRIPT = `${VNF_DIR}/vrrp-notify.sh`;
export const KEEPALIVED_CONF = `${VNF_DIR}/keepalived.conf`;
export const HAPROXY_CFG = `${VNF_DIR}/haproxy.cfg`;
export const HAPROXY_SOCKET = `${RUN_DIR}/haproxy.sock`;

/** keepalived calls it with TYPE NAME STATE PRIORITY on every VRRP transition. */
export const NOTIFY_SCRIPT_TEXT = `#!/bin/sh
# Rendered by onekube: records the VRRP state for the vnf agent.
echo "$3" > ${VRRP_STATE_FILE}.tmp && mv ${VRRP_STATE_FILE}.tmp ${VRRP_STATE_FILE}
`;

/** Everything about a VNF besides its peers. */
export interface VnfSetup {
  readonly config: ServiceConfig;
  readonly address: string;
  readonly interface: string;
  readonly prefix: number;
  /** The VM's own network (address/prefix with host bits cleared). */
  readonly network: Ipv4Cidr;
  readonly virtualRouterId: number;
  readonly mode: LbMode;
}

export interface VnfPeers {
  /** The vnf role's VM addresses (this VM's included). */
  readonly vnfs: readonly string[];
  /** The master role's VM addresses: the load balancer's backends. */
  readonly masters: readonly string[];
}

/** The configuration files of a VNF for the current peers: what the agent writes, and `onekube render vnf` shows. */
export function vnfFiles(
  setup: VnfSetup,
  peers: VnfPeers,
): { keepalived: string; haproxy: string | undefined } {
  const { config } = setup;
  const backends = peers.masters.map((address) => ({ address, port: config.apiPort }));
  const keepalived = renderKeepalived({
    interface: setup.interface,
    vip: { address: config.endpoint.address, prefix: setup.prefix },
    virtualRouterId: setup.virtualRouterId,
    selfAddress: setup.address,
    peers: peers.vnfs,
    loadBalancer:
      setup.mode === "lvs" ? { mode: "lvs", port: config.endpoint.port, backends } : { mode: "haproxy" },
    notifyScript: NOTIFY_SCRIPT,
  });
  const haproxy =
    setup.mode === "haproxy"
      ? renderHaproxy({
          vip: config.endpoint.address,
          port: config.endpoint.port,
          backends,
          statsSocket: HAPROXY_SOCKET,
        })
      : undefined;
  return { keepalived: keepalived.content, haproxy: haproxy?.content };
}
