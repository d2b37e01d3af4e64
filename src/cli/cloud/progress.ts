import { CloudError } from "../../errors.js";
import { type CloudInfo, daemonAlive, readSnapshot } from "../../local/cloud-state.js";
import { type ServiceView, serviceViews } from "../../local/status.js";
import type { Io } from "../io.js";
import { formatStatus } from "./render-status.js";

const FAILED = /^FAILED_/;

/** Every fact worth a progress line: role states, VMs appearing, turning ready, failing. */
function facts(view: ServiceView): Map<string, string> {
  const out = new Map<string, string>();
  out.set("service", `service ${view.state}`);
  for (const role of view.roles) {
    out.set(`role ${role.name}`, `${role.name}: ${role.state} (${role.vms.length}/${role.cardinality} VMs)`);
    for (const vm of role.vms) {
      const took =
        vm.readyAt !== undefined && vm.createdAt !== undefined
          ? ` in ${((vm.readyAt - vm.createdAt) / 1000).toFixed(1)} s`
          : "";
      const state = vm.error ? `FAILED: ${vm.error.split("\n")[0]}` : vm.ready ? `READY${took}` : vm.state;
      out.set(`vm ${vm.id}`, `  ${role.name} VM ${vm.id} ${vm.name} ${vm.ip ?? ""} ${state}`);
    }
  }
  return out;
}

/**
 * Follows a service through the daemon's snapshot, printing each change with the time since
 * `started`, until `done` says so. Returns the last view.
 */
export interface WatchLimits {
  /** The daemon whose snapshot is followed: its death ends the wait with an error. */
  readonly daemon: CloudInfo;
  readonly timeoutMs: number;
}

export async function watchService(
  io: Io,
  root: string,
  name: string,
  serviceId: number,
  started: number,
  done: (view: ServiceView | undefined) => boolean,
  limits: WatchLimits,
): Promise<ServiceView | undefined> {
  const seen = new Map<string, string>();
  const deadline = Date.now() + limits.timeoutMs;
  for (;;) {
    const snapshot = readSnapshot(root, name);
    const view = snapshot ? serviceViews(snapshot).find((v) => v.id === serviceId) : undefined;
    if (view) {
      for (const [key, line] of facts(view)) {
        if (seen.get(key) === line) continue;
        seen.set(key, line);
        io.out(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
      }
    }
    if (done(view)) return view;
    if (!daemonAlive(limits.daemon)) {
      throw new CloudError(
        "follow the service",
        `local cloud ${name}`,
        undefined,
        `its daemon (pid ${limits.daemon.pid}) stopped; see onekube logs ${name}, then onekube down ${name}`,
      );
    }
    if (Date.now() > deadline) {
      throw new CloudError(
        "follow the service",
        `local cloud ${name}`,
        undefined,
        `gave up waiting after ${Math.round(limits.timeoutMs / 1000)} s; onekube status ${name} shows where it stands`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits for a fresh deploy to end; prints the status table; true when RUNNING. */
export async function watchDeploy(
  io: Io,
  root: string,
  name: string,
  serviceId: number,
  started: number,
  limits: WatchLimits,
): Promise<boolean> {
  const view = await watchService(
    io,
    root,
    name,
    serviceId,
    started,
    (v) => v !== undefined && (v.state === "RUNNING" || FAILED.test(v.state)),
    limits,
  );
  if (!view) return false;
  io.out(`\n${formatStatus(view)}`);
  io.out(`onekube: ${view.state} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return view.state === "RUNNING";
}
