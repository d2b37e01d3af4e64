import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../errors.js";
import { OneFlowClient } from "../../flow/client.js";
import { type CloudInfo, daemonAlive, readCloudInfo, readSnapshot, rootOf } from "../../local/cloud-state.js";
import { checkServiceKey } from "../../local/names.js";
import { type ServiceView, serviceViews } from "../../local/status.js";
import type { Io } from "../io.js";

export const DEFAULT_NAME = "k8s";

export interface Cloud {
  readonly root: string;
  readonly name: string;
  readonly info: CloudInfo;
  readonly running: boolean;
}

/** The local clouds that have state under the root. */
export function cloudNames(root: string): string[] {
  const dir = join(root, "services");
  return existsSync(dir) ? readdirSync(dir).filter((n) => existsSync(join(dir, n, "cloud.json"))) : [];
}

/** The cloud a command names, or the only one there is. */
export function findCloud(io: Io, name: string | undefined): Cloud {
  const root = rootOf(io.env);
  let chosen = name;
  if (chosen === undefined) {
    const names = cloudNames(root);
    if (names.length !== 1) {
      throw new UsageError(
        names.length === 0
          ? "no local cloud is up (onekube up)"
          : `several local clouds are up (${names.join(", ")}): name one`,
      );
    }
    chosen = names[0] as string;
  }
  checkServiceKey(chosen);
  const info = readCloudInfo(root, chosen);
  if (!info)
    throw new UsageError(`no local cloud named ${JSON.stringify(chosen)} (onekube status lists them)`);
  return { root, name: chosen, info, running: daemonAlive(info) };
}

export function flowClient(cloud: Cloud): OneFlowClient {
  if (!cloud.running)
    throw new UsageError(
      `the daemon of ${cloud.name} (pid ${cloud.info.pid}) is not running; only \`onekube down ${cloud.name}\` can help`,
    );
  return new OneFlowClient(cloud.info.oneflow);
}

export function serviceView(cloud: Cloud): ServiceView | undefined {
  const snapshot = readSnapshot(cloud.root, cloud.name);
  const views = snapshot ? serviceViews(snapshot) : [];
  return views.find((v) => v.id === cloud.info.serviceId) ?? views[0];
}

/** A VM of the cloud by id or name. */
export function findVm(cloud: Cloud, which: string): { id: number; name: string } {
  const view = serviceView(cloud);
  const vms = view?.roles.flatMap((r) => r.vms) ?? [];
  const vm = vms.find((v) => String(v.id) === which || v.name === which || v.ip === which);
  if (!vm)
    throw new UsageError(
      `no VM ${JSON.stringify(which)} in ${cloud.name}; VMs: ${vms.map((v) => `${v.id} (${v.name})`).join(", ") || "none"}`,
    );
  return vm;
}
