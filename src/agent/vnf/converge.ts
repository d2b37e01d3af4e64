import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { hostExec } from "../../host/exec.js";
import { writeIfChanged } from "../../host/files.js";
import { stopStale } from "../../host/stale.js";
import type { Supervisor } from "../../host/supervisor.js";
import {
  HAPROXY_CFG,
  KEEPALIVED_CONF,
  NOTIFY_SCRIPT,
  NOTIFY_SCRIPT_TEXT,
  RUN_DIR,
  type VnfSetup,
  VRRP_STATE_FILE,
  vnfFiles,
} from "../../render/vnf.js";
import type { Peers } from "./discover.js";

export type { LbMode, VnfSetup } from "../../render/vnf.js";

// The real tools judge each new configuration (keepalived: -e also checks the interfaces exist).
const keepalivedAccepts = async (file: string) => {
  await hostExec.run("keepalived", ["-t", "-e", "-f", file], { operation: "check keepalived.conf" });
};
const haproxyAccepts = async (file: string) => {
  await hostExec.run("haproxy", ["-c", "-f", file], { operation: "check haproxy.cfg" });
};

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
