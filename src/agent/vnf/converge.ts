import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { hostExec } from "../../host/exec.js";
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
  VRRP_STATE_FILE,
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

/**
 * Writes a file only when its content or mode differs; true when it wrote. With `check`, the new
 * content is judged by the real tool first (on a temporary file beside it), so a configuration
 * the tool refuses never replaces the one in use.
 */
export async function writeIfChanged(
  path: string,
  content: string,
  mode = 0o644,
  check?: (candidate: string) => Promise<void>,
): Promise<boolean> {
  if (existsSync(path) && readFileSync(path, "utf8") === content) {
    if ((statSync(path).mode & 0o777) === mode) return false;
    chmodSync(path, mode);
    return true;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const candidate = `${path}.${process.pid}.new`;
  writeFileSync(candidate, content, { mode });
  try {
    await check?.(candidate);
  } catch (error) {
    rmSync(candidate, { force: true });
    throw error;
  }
  renameSync(candidate, path);
  return true;
}

// The real tools judge each new configuration (keepalived: -e also checks the interfaces exist).
const keepalivedAccepts = async (file: string) => {
  await hostExec.run("keepalived", ["-t", "-e", "-f", file], { operation: "check keepalived.conf" });
};
const haproxyAccepts = async (file: string) => {
  await hostExec.run("haproxy", ["-c", "-f", file], { operation: "check haproxy.cfg" });
};

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
/** Ends a program a previous agent left running (its pid file names it), and waits for it. */
async function stopStale(pidFile: string, program: string): Promise<void> {
  const pid = Number(existsSync(pidFile) ? readFileSync(pidFile, "utf8").trim() : Number.NaN);
  const comm = () => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      return undefined;
    }
  };
  if (!Number.isInteger(pid) || pid <= 0 || comm() !== program) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 50 && comm() === program; i++) await new Promise((r) => setTimeout(r, 100));
}

export async function converge(
  setup: VnfSetup,
  peers: Peers,
  supervisor: Supervisor,
  log: (line: string) => void,
): Promise<boolean> {
  mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 });
  const files = vnfFiles(setup, peers);
  let changed = await writeIfChanged(NOTIFY_SCRIPT, NOTIFY_SCRIPT_TEXT, 0o755);
  const keepalivedChanged = await writeIfChanged(KEEPALIVED_CONF, files.keepalived, 0o644, keepalivedAccepts);
  const haproxyChanged =
    files.haproxy !== undefined && (await writeIfChanged(HAPROXY_CFG, files.haproxy, 0o644, haproxyAccepts));
  changed = changed || keepalivedChanged || haproxyChanged;
  // LVS-NAT forwards the endpoint's traffic through this VM.
  if (setup.mode === "lvs") writeFileSync("/proc/sys/net/ipv4/ip_forward", "1");
  if (files.haproxy !== undefined) {
    // The backup VNF binds the endpoint too, so that it serves the moment the address moves to it.
    writeFileSync("/proc/sys/net/ipv4/ip_nonlocal_bind", "1");
    if (supervisor.pid("haproxy") === undefined) {
      await stopStale(`${RUN_DIR}/haproxy.pid`, "haproxy");
      supervisor.start("haproxy", HAPROXY_ARGV);
    } else if (haproxyChanged && supervisor.signal("haproxy", "SIGUSR2")) log("[vnf] reloaded haproxy");
  }
  if (supervisor.pid("keepalived") === undefined) {
    // A fresh start (also after the agent itself was restarted): an old keepalived would refuse
    // to share its pid file, and an old state file would claim a VRRP state nobody holds now.
    await stopStale(`${RUN_DIR}/keepalived.pid`, "keepalived");
    rmSync(VRRP_STATE_FILE, { force: true });
    supervisor.start("keepalived", KEEPALIVED_ARGV);
  } else if (keepalivedChanged && supervisor.signal("keepalived", "SIGHUP")) log("[vnf] reloaded keepalived");
  if (changed) {
    log(
      `[vnf] ${setup.mode}: endpoint ${setup.config.endpoint.address}:${setup.config.endpoint.port} -> ${peers.masters.length} master(s) [${peers.masters.join(" ")}], VRRP peers [${peers.vnfs.filter((a) => a !== setup.address).join(" ")}]`,
    );
  }
  return changed;
}
