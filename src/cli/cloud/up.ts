import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { CloudError, ConfigError, HostError, UsageError } from "../../errors.js";
import { OneFlowClient } from "../../flow/client.js";
import { hostExec } from "../../host/exec.js";
import {
  alive,
  daemonAlive,
  daemonLog,
  readCloudInfo,
  rootOf,
  writeCloudInfo,
} from "../../local/cloud-state.js";
import { checkServiceKey, serviceDir } from "../../local/names.js";
import { assertLocalCloud } from "../../local/preflight.js";
import { addonsHolder } from "../../local/status.js";
import { intToIpv4, ipv4ToInt, parseCidr } from "../../params/ipv4.js";
import { collectRawParams } from "../../params/sources.js";
import { ROLES, type Role } from "../../params/types.js";
import { parseParams } from "../../params/validate.js";
import { ROLE_SPECS } from "../../service/roles.js";
import { userInputValues } from "../../service/template.js";
import { addConfigOptions, type ConfigOptions } from "../commands/validate.js";
import type { Io } from "../io.js";
import { collect, parseIntOption, parseRole } from "../options.js";
import { type Cloud, DEFAULT_NAME, serviceView } from "./access.js";
import { adminKubeconfig, formatClusterSummary, readClusterSummary } from "./cluster-summary.js";
import { watchDeploy } from "./progress.js";
import { chooseSshKey, homeOf, loginLines, type SshKey } from "./ssh-key.js";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "bin", "onekube.js");

interface UpOptions extends ConfigOptions {
  name: string;
  roleSize: string[];
  cidr?: string;
  diskMb: string;
  cooldown: string;
  timeout: string;
  agent?: string;
  sshKey?: string;
}

function roleSizes(values: readonly string[]): Partial<Record<Role, number>> {
  const sizes: Partial<Record<Role, number>> = {};
  for (const v of values) {
    const [role = "", count = ""] = v.split("=");
    const r = parseRole(role);
    // A trial service may leave out workers and storage (a control plane alone); never the vnf or masters.
    const min = r === "worker" || r === "storage" ? 0 : ROLE_SPECS[r].minVms;
    sizes[r] = parseIntOption(`--role-size ${r}`, count, min, ROLE_SPECS[r].maxVms);
  }
  return sizes;
}

/** The VMs' SSH key; without ssh-keygen (and no key of the user's) the VMs get none, and up says so. */
async function vmSshKey(io: Io, given: string | undefined, root: string): Promise<SshKey | undefined> {
  const homes = [homeOf(io.env.SUDO_USER), io.env.HOME];
  try {
    return await chooseSshKey({ given, homes, root, exec: hostExec });
  } catch (error) {
    if (!(error instanceof HostError) || error.exitCode !== undefined) throw error;
    io.err(`warning: no SSH login to the VMs: ${error.message} (apt-get install openssh-client)\n`);
    return undefined;
  }
}

async function startDaemon(
  root: string,
  name: string,
  opts: UpOptions,
  key: SshKey | undefined,
): Promise<number> {
  mkdirSync(serviceDir(root, name), { recursive: true });
  const logFile = daemonLog(root, name);
  const out = openSync(logFile, "a", 0o600);
  const args = [
    BIN,
    "daemon",
    "--name",
    name,
    "--disk-mb",
    opts.diskMb,
    "--cooldown",
    opts.cooldown,
    "--timeout",
    opts.timeout,
    ...(key ? ["--ssh-key", key.file] : []),
  ];
  if (opts.cidr) args.push("--cidr", opts.cidr);
  if (opts.agent) args.push("--agent", opts.agent);
  const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  const pid = child.pid;
  if (pid === undefined)
    throw new CloudError("start the local cloud", logFile, undefined, "the daemon could not be started");
  // Loading the registry with the built images takes a while; a daemon that fails exits.
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const info = readCloudInfo(root, name);
    if (info?.pid === pid) return pid;
    if (!alive(pid)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const tail = existsSync(logFile)
    ? readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n")
    : "";
  throw new CloudError("start the local cloud", logFile, undefined, `the daemon did not come up:\n${tail}`);
}

/** The add-ons still incomplete (MetalLB's pools wait for its controller on a worker). */
function incompleteAddons(cloud: Cloud): string[] {
  const view = serviceView(cloud);
  // Without workers, nothing can run the add-ons' controllers: there is nothing to wait for.
  if ((view?.roles.find((r) => r.name === "worker")?.vms.length ?? 0) === 0) return [];
  const published = addonsHolder(view)?.addons ?? [];
  return published.filter((a) => a.state === "incomplete").map((a) => a.name);
}

/** Waits (bounded) for the control plane to complete the add-ons, so that their objects can be shown. */
async function waitForAddons(io: Io, cloud: Cloud, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    const waiting = incompleteAddons(cloud);
    if (waiting.length === 0) return;
    if (Date.now() > deadline) {
      io.err(
        `onekube: still incomplete after ${timeoutMs / 1000} s: ${waiting.join(", ")} (onekube status ${cloud.name} says why)\n`,
      );
      return;
    }
    if (!said) io.out(`onekube: waiting for the control plane to complete ${waiting.join(", ")}\n`);
    said = true;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** How to log in to the VMs and reach the cluster, with this service's addresses. */
function printLogin(io: Io, cloud: Cloud, key: SshKey): void {
  const view = serviceView(cloud);
  const first = (role: Role) => view?.roles.find((r) => r.name === role)?.vms.find((v) => v.ip)?.ip;
  const kubectl = adminKubeconfig(cloud) !== undefined;
  const master = view?.roles.find((r) => r.name === "master")?.vms.find((v) => v.ip && v.ready)?.ip;
  io.out(`\n${loginLines(key, first("vnf"), master ?? first("master"), kubectl)}`);
}

/** The Quick Start's view of the running cluster (none where the VMs carry no Kubernetes). */
async function printCluster(io: Io, cloud: Cloud): Promise<void> {
  const kubeconfig = adminKubeconfig(cloud);
  if (!kubeconfig) return;
  await waitForAddons(io, cloud);
  // An API server that has just (re)joined may answer 503 ("storage is (re)initializing") a while.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      io.out(`\n${formatClusterSummary(await readClusterSummary(kubeconfig))}\n`);
      io.out(
        `kubectl: onekube kubeconfig ${cloud.name} && kubectl --kubeconfig ${cloud.name}.kubeconfig get nodes\n`,
      );
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        io.err(`onekube: the service runs, but its cluster could not be read: ${String(error)}\n`);
        return;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

export function registerUp(program: Command, io: Io): void {
  addConfigOptions(program.command("up"))
    .description("deploy the service on the embedded local cloud (one network namespace per VM); needs root")
    .option("--name <name>", "the local cloud's name (1-6 lower-case letters or digits)", DEFAULT_NAME)
    .option("--role-size <ROLE=N>", "VMs of a role (repeatable), e.g. --role-size worker=1", collect, [])
    .option(
      "--cidr <cidr>",
      "service network (default: a free private /24, checked against the host's routes)",
    )
    .option("--disk-mb <n>", "size of each storage VM's sparse disk in MiB", "10240")
    .option("--cooldown <s>", "seconds a role rests after a scale", "10")
    .option("--timeout <min>", "minutes each role may take to deploy before the service fails", "15")
    .option(
      "--ssh-key <file>",
      "public key every VM lets root log in with (default: your ~/.ssh/id_ed25519.pub, id_ecdsa.pub or id_rsa.pub, else one onekube makes under $ONEKUBE_ROOT/ssh)",
    )
    .addOption(program.createOption("--agent <json>", "the agent argv as a JSON array (tests)").hideHelp())
    .action(async (opts: UpOptions) => {
      const name = checkServiceKey(opts.name);
      const root = rootOf(io.env);
      const sizes = roleSizes(opts.roleSize);
      // Every option is checked here, before anything is created (the daemon checks them again).
      parseIntOption("--disk-mb", opts.diskMb, 16, 1 << 22);
      parseIntOption("--cooldown", opts.cooldown, 0, 86400);
      parseIntOption("--timeout", opts.timeout, 1, 1440);
      if (opts.cidr !== undefined) {
        const cidr = parseCidr(opts.cidr);
        if (!cidr.ok) throw new UsageError(`--cidr ${JSON.stringify(opts.cidr)}: ${cidr.reason}`);
      }
      const raw = await collectRawParams({ contextFile: opts.context, env: io.env, sets: opts.set ?? [] });
      // Check every parameter now, before anything is created; the endpoint may still be unknown.
      const early = parseParams({ ONEAPP_VNF_LB0_IP: "198.51.100.100", ...raw });
      if (!early.ok) throw new ConfigError(early.issues);
      for (const w of await assertLocalCloud()) io.err(`warning: ${w.message}\n`);
      const existing = readCloudInfo(root, name);
      if (existing) {
        throw new UsageError(
          daemonAlive(existing)
            ? `local cloud ${name} is already up (onekube status ${name}; onekube down ${name})`
            : `local cloud ${name} left state behind (daemon pid ${existing.pid} is gone): run onekube down ${name} first`,
        );
      }
      const key = await vmSshKey(io, opts.sshKey, root);
      const started = Date.now();
      io.out(`onekube: starting local cloud ${name}\n`);
      if (key?.how === "generated") io.out(`onekube: SSH key for the VMs made: ${key.identity}\n`);
      await startDaemon(root, name, opts, key);
      const info = readCloudInfo(root, name);
      if (!info) throw new CloudError("start the local cloud", root, undefined, "cloud.json vanished");
      // The endpoint defaults to the first address the driver leaves free for VIPs (.2).
      const endpoint = raw.ONEAPP_VNF_LB0_IP ?? intToIpv4(ipv4ToInt(info.network.gateway) + 1);
      // The cloud's own registry serves every image, through the parameter an operator would set.
      const mirror =
        info.registry && raw.ONEAPP_K8S_REGISTRY_MIRROR === undefined
          ? { ONEAPP_K8S_REGISTRY_MIRROR: `http://${info.registry}` }
          : {};
      const values = { ...raw, ONEAPP_VNF_LB0_IP: endpoint, ...mirror };
      const final = parseParams(values);
      if (!final.ok) throw new ConfigError(final.issues);
      io.out(`onekube: network ${info.network.cidr}, endpoint ${endpoint}, OneGate ${info.onegateUrl}\n`);
      if (values.ONEAPP_K8S_REGISTRY_MIRROR)
        io.out(`onekube: images from ${values.ONEAPP_K8S_REGISTRY_MIRROR} (ONEAPP_K8S_REGISTRY_MIRROR)\n`);
      const client = new OneFlowClient(info.oneflow);
      const service = await client.instantiate(info.templateId, {
        user_inputs_values: userInputValues(values, "service"),
        roles: ROLES.map((role) => ({
          name: role,
          ...(sizes[role] === undefined ? {} : { cardinality: sizes[role] }),
          ...(sizes[role] === 0 ? { min_vms: 0 } : {}),
          ...(role === "vnf" || role === "storage"
            ? { user_inputs_values: userInputValues(values, role) }
            : {}),
        })),
      });
      writeCloudInfo(root, { ...info, serviceId: Number(service.DOCUMENT.ID) });
      // Each role may take --timeout minutes (the engine fails it then); allow all four, and a margin.
      const timeoutMs = (4 * parseIntOption("--timeout", opts.timeout, 1, 1440) + 1) * 60_000;
      const ok = await watchDeploy(io, root, name, Number(service.DOCUMENT.ID), started, {
        daemon: info,
        timeoutMs,
      });
      if (!ok)
        throw new CloudError(
          "deploy",
          `local cloud ${name}`,
          undefined,
          `see above; onekube status ${name}; onekube down ${name} removes it`,
        );
      const cloud = { root, name, info, running: true };
      await printCluster(io, cloud);
      if (key) printLogin(io, cloud, key);
    });
}
