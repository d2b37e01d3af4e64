/**
 * Removing everything a local service had, even when the process that made it died with
 * SIGKILL half-way: what to remove comes from the ledger (written before each creation) and,
 * in case a line never reached it, from a sweep by the names only this service uses.
 * `listLeftovers` answers "does anything of this service still exist?" for tests and doctors.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { type Exec, hostExec } from "../host/exec.js";
import { Ledger } from "./ledger.js";
import {
  bridgeName,
  checkServiceKey,
  ledgerPath,
  namespacePattern,
  nftTableName,
  serviceDir,
  VM_MARKER,
  vethPattern,
} from "./names.js";
import { removeServiceNetwork } from "./network.js";
import { findProcesses, killProcesses, type ProcessSeeds, processStart } from "./processes.js";
import { removeCgroupRoot, serviceCgroupRoots } from "./vm-cgroups.js";
import { loopDevicesUnder } from "./vm-disk.js";
import { removeLinkAndNamespace } from "./vm-net.js";
import { detachLoopsUnder } from "./vm-teardown.js";

export interface Leftovers {
  readonly namespaces: readonly string[];
  readonly links: readonly string[];
  readonly nftTables: readonly string[];
  readonly loopDevices: readonly string[];
  readonly mounts: readonly string[];
  readonly processes: readonly number[];
  readonly paths: readonly string[];
  readonly cgroups: readonly string[];
}

export const isClean = (l: Leftovers) => Object.values(l).every((v: readonly unknown[]) => v.length === 0);

const names = z.array(z.object({ name: z.string().optional(), ifname: z.string().optional() }));

async function listNames(exec: Exec, args: readonly string[]): Promise<string[]> {
  const r = await exec.run("ip", ["-j", ...args], { allowFailure: true });
  if (r.exitCode !== 0 || !r.stdout.trim()) return [];
  return names.parse(JSON.parse(r.stdout)).map((n) => n.name ?? n.ifname ?? "");
}

/** The ledger's names and the swept ones, together. */
async function survey(exec: Exec, root: string, service: string) {
  const entries = new Ledger(ledgerPath(root, service)).read();
  const nsPattern = namespacePattern(service);
  const linkPattern = vethPattern(service);
  const namespaces = (await listNames(exec, ["netns", "list"])).filter((n) => nsPattern.test(n));
  const links = (await listNames(exec, ["link", "show"])).filter(
    (n) =>
      linkPattern.test(n) ||
      n === bridgeName(service) ||
      entries.some((e) => e.kind === "link" && e.name === n),
  );
  // An init's group is ours only if the pid still names the process the ledger saw start.
  const groups = entries.flatMap((e) =>
    e.kind === "init" && e.pid !== undefined && processStart(e.pid) === e.start ? [e.pid] : [],
  );
  const seeds: ProcessSeeds = { namespaces, groups, markers: [`${VM_MARKER}=${service}-`] };
  return { entries, namespaces, links, seeds };
}

export async function listLeftovers(
  root: string,
  service: string,
  exec: Exec = hostExec,
): Promise<Leftovers> {
  checkServiceKey(service);
  const dir = serviceDir(root, service);
  const { namespaces, links, seeds } = await survey(exec, root, service);
  const tables = await exec.run("nft", ["list", "tables", "inet"], { allowFailure: true });
  const table = nftTableName(service);
  const mountPoints = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((m) => m.startsWith(`${dir}/`) || m === dir || m.startsWith(`/run/netns/onekube-${service}-`));
  return {
    namespaces,
    links,
    nftTables: tables.stdout.split("\n").some((l) => l.trim() === `table inet ${table}`) ? [table] : [],
    loopDevices: await loopDevicesUnder(exec, dir),
    mounts: mountPoints,
    processes: await findProcesses(exec, seeds),
    paths: existsSync(dir) ? [dir] : [],
    cgroups: serviceCgroupRoots(namespacePattern(service)),
  };
}

export async function cleanupService(
  root: string,
  service: string,
  options: { readonly exec?: Exec; readonly graceMs?: number } = {},
): Promise<void> {
  checkServiceKey(service);
  const exec = options.exec ?? hostExec;
  const dir = serviceDir(root, service);
  const { entries, namespaces, links, seeds } = await survey(exec, root, service);
  // Processes first: the VMs' mounts, and their hold on loop devices, end with them. If some
  // will not die, the rest is removed all the same and the error is raised at the end.
  const stopped = await killProcesses(exec, seeds, {
    graceMs: options.graceMs ?? 3000,
    operation: `clean up local service ${service}`,
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
  for (const cgroup of serviceCgroupRoots(namespacePattern(service))) await removeCgroupRoot(cgroup);
  await detachLoopsUnder(exec, dir);
  const nsNames = new Set([...namespaces, ...entries.flatMap((e) => (e.kind === "netns" ? [e.name] : []))]);
  const linkNames = new Set([...links, ...entries.flatMap((e) => (e.kind === "link" ? [e.name] : []))]);
  linkNames.delete(bridgeName(service));
  for (const link of linkNames) await removeLinkAndNamespace(exec, link, undefined);
  for (const ns of nsNames) await removeLinkAndNamespace(exec, undefined, ns);
  await removeServiceNetwork(exec, bridgeName(service), nftTableName(service));
  await rm(dir, { recursive: true, force: true });
  // Dead `ip netns` entries (a namespace file whose mount is gone) would list forever.
  if (existsSync("/run/netns")) {
    for (const name of readdirSync("/run/netns")) {
      if (!namespacePattern(service).test(name)) continue;
      // Still mounted means still a namespace: listLeftovers reports it.
      await rm(join("/run/netns", name), { force: true }).catch(() => {});
    }
  }
  if (stopped) throw stopped;
}
