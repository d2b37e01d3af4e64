import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { FlowSnapshot } from "../flow/state.js";
import { serviceDir } from "./names.js";
import { processStart } from "./processes.js";

/** Where onekube keeps its local clouds unless ONEKUBE_ROOT says otherwise. */
// Not under /var/lib/onekube: every VM mounts its own directory over that path.
export const DEFAULT_ROOT = "/var/lib/onekube-local";
export const rootOf = (env: Readonly<Record<string, string | undefined>>) => env.ONEKUBE_ROOT ?? DEFAULT_ROOT;

/** What a running local cloud's daemon publishes for the other commands (mode 0600: it holds the OneFlow password). */
export interface CloudInfo {
  readonly name: string;
  readonly pid: number;
  /** The daemon's start time as /proc records it: a pid alone may be reused after it died. */
  readonly pidStart: string | undefined;
  readonly startedAt: number;
  readonly network: { readonly cidr: string; readonly gateway: string };
  readonly onegateUrl: string;
  readonly oneflow: { readonly url: string; readonly user: string; readonly password: string };
  /** `host:port` of the cloud's own registry (plain HTTP), when it serves the built images. */
  readonly registry?: string;
  /** The service this cloud deployed, once instantiated. */
  serviceId?: number;
  readonly templateId: number;
}

export const cloudFile = (root: string, name: string) => join(serviceDir(root, name), "cloud.json");
export const stateFile = (root: string, name: string) => join(serviceDir(root, name), "state.json");
export const daemonLog = (root: string, name: string) => join(serviceDir(root, name), "daemon.log");

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export function writeCloudInfo(root: string, info: CloudInfo): void {
  writeAtomic(cloudFile(root, info.name), `${JSON.stringify(info, null, 2)}\n`);
}

export function readCloudInfo(root: string, name: string): CloudInfo | undefined {
  const file = cloudFile(root, name);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as CloudInfo;
}

export function writeSnapshot(root: string, name: string, snapshot: FlowSnapshot): void {
  writeAtomic(stateFile(root, name), JSON.stringify(snapshot));
}

const snapshotShape = z.object({ services: z.array(z.unknown()), vms: z.array(z.unknown()) }).loose();

export function readSnapshot(root: string, name: string): FlowSnapshot | undefined {
  const file = stateFile(root, name);
  if (!existsSync(file)) return undefined;
  const data: unknown = JSON.parse(readFileSync(file, "utf8"));
  snapshotShape.parse(data);
  return data as FlowSnapshot;
}

/** True when `pid` names a live process (and, given its recorded start, the same one). */
export function alive(pid: number, start?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return start === undefined || processStart(pid) === start;
}

/** Whether the daemon a cloud.json names still runs. */
export const daemonAlive = (info: CloudInfo) => alive(info.pid, info.pidStart);
