import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Supervisor } from "../../host/supervisor.js";
import type { Ipv4Cidr, ServiceConfig } from "../../params/types.js";
import { renderHaproxy } from "../../render/haproxy.js";
import { renderKeepalived } from "../../render/keepalived.js";
import type { Peers } from "./discover.js";
import {
  HAPROXY_CFG,
  HAPROXY_SOCKET,
  KEEPALIVED_CONF,
  NOTIFY_SCRIPT,
  NOTIFY_SCRIPT_TEXT,
  RUN_DIR,
} from "./paths.js";

export type LbMode = "lvs" | "haproxy";

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

/** Writes a file only when its content or mode differs; true when it wrote. */
export function writeIfChanged(path: string, content: string, mode = 0o644): boolean {
  if (existsSync(path) && readFileSync(path, "utf8") === content) return false;
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileSync(`${path}.tmp`, content, { mode });
  renameSync(`${path}.tmp`, path);
  return true;
}

/** The files of the vnf role for the current peers; pure but for reading nothing. */
export function vnfFiles(setup: VnfSetup, peers: Peers) {
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

export const KEEPALIVED_ARGV = [
  "keepalived",
  "--dont-fork",
  "--log-console",
  "--use-file",
  KEEPALIVED_CONF,
  "--pid",
  `${RUN_DIR}/keepalived.pid`,
  "--vrrp_pid",
  `${RUN_DIR}/vrrp.pid`,
  "--checkers_pid",
  `${RUN_DIR}/checkers.pid`,
];
// Master-worker mode: SIGUSR2 reloads the configuration while old workers finish their connections.
export const HAPROXY_ARGV = ["haproxy", "-W", "-db", "-f", HAPROXY_CFG, "-p", `${RUN_DIR}/haproxy.pid`];

/**
 * Brings keepalived (and HAProxy) to the configuration the current peers call for: writes what
 * changed, starts what does not run, and reloads gracefully what runs with an old configuration.
 */
export function converge(
  setup: VnfSetup,
  peers: Peers,
  supervisor: Supervisor,
  log: (line: string) => void,
): boolean {
  mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 });
  const files = vnfFiles(setup, peers);
  let changed = writeIfChanged(NOTIFY_SCRIPT, NOTIFY_SCRIPT_TEXT, 0o755);
  const keepalivedChanged = writeIfChanged(KEEPALIVED_CONF, files.keepalived);
  const haproxyChanged = files.haproxy !== undefined && writeIfChanged(HAPROXY_CFG, files.haproxy);
  changed = changed || keepalivedChanged || haproxyChanged;
  if (files.haproxy !== undefined) {
    // The backup VNF binds the endpoint too, so that it serves the moment the address moves to it.
    writeFileSync("/proc/sys/net/ipv4/ip_nonlocal_bind", "1");
    if (supervisor.pid("haproxy") === undefined) supervisor.start("haproxy", HAPROXY_ARGV);
    else if (haproxyChanged && supervisor.signal("haproxy", "SIGUSR2")) log("[vnf] reloaded haproxy");
  }
  if (supervisor.pid("keepalived") === undefined) supervisor.start("keepalived", KEEPALIVED_ARGV);
  else if (keepalivedChanged && supervisor.signal("keepalived", "SIGHUP")) log("[vnf] reloaded keepalived");
  if (changed) {
    log(
      `[vnf] ${setup.mode}: endpoint ${setup.config.endpoint.address}:${setup.config.endpoint.port} -> ${peers.masters.length} master(s) [${peers.masters.join(" ")}], VRRP peers [${peers.vnfs.filter((a) => a !== setup.address).join(" ")}]`,
    );
  }
  return changed;
}
