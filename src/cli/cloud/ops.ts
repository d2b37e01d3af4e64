import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { CloudError, UsageError } from "../../errors.js";
import { cleanupService, isClean, listLeftovers } from "../../local/cleanup.js";
import { daemonAlive, daemonLog, readSnapshot, rootOf } from "../../local/cloud-state.js";
import { removedLog, vmDir } from "../../local/names.js";
import { type ServiceView, serviceViews } from "../../local/status.js";
import { execInVm } from "../../local/vm-exec.js";
import { type Io, printJson } from "../io.js";
import { parseIntOption } from "../options.js";
import { cloudNames, findCloud, findVm, flowClient, serviceView } from "./access.js";
import { watchService } from "./progress.js";
import { formatStatus } from "./render-status.js";

export function registerStatus(program: Command, io: Io): void {
  program
    .command("status")
    .argument("[name]", "the local cloud (default: the only one)")
    .description("roles, VMs, states, IPs, readiness and the last error of a local cloud")
    .option("--json", "print JSON")
    .action((name: string | undefined, opts: { json?: boolean }) => {
      if (name === undefined && cloudNames(rootOf(io.env)).length === 0) {
        if (opts.json) return printJson(io, []);
        return io.out("no local cloud is up (onekube up)\n");
      }
      const cloud = findCloud(io, name);
      const view = serviceView(cloud);
      if (opts.json) {
        const { oneflow: _secret, ...info } = cloud.info;
        const snapshot = readSnapshot(cloud.root, cloud.name);
        return printJson(io, {
          cloud: { ...info, daemon: cloud.running ? "running" : "gone" },
          service: view ?? null,
          services: snapshot ? serviceViews(snapshot) : [],
        });
      }
      io.out(
        `local cloud ${cloud.name}: daemon ${cloud.running ? `running (pid ${cloud.info.pid})` : "NOT running"}, network ${cloud.info.network.cidr}\n`,
      );
      io.out(view ? formatStatus(view) : "no service deployed\n");
    });
}

export function registerScale(program: Command, io: Io): void {
  program
    .command("scale")
    .argument("<name>", "the local cloud")
    .argument("<role>", "vnf, master, worker or storage")
    .argument("<count>", "the role's new number of VMs")
    .description("scale a role up or down and wait until it settles")
    .option("--force", "ignore the role's min/max VMs (as oneflow scale --force)")
    .option("--no-wait", "return once OneFlow accepted the request")
    .action(
      async (name: string, role: string, countText: string, opts: { force?: boolean; wait: boolean }) => {
        const cloud = findCloud(io, name);
        const id = cloud.info.serviceId;
        if (id === undefined) throw new UsageError(`${name} has no service deployed`);
        const count = parseIntOption("<count>", countText, 0, 1000);
        const started = Date.now();
        await flowClient(cloud)
          .scale(id, role, count, opts.force ?? false)
          .catch((error: unknown) => {
            // OneFlow's refusal names the minimum; for the masters, say why it is there.
            if (role === "master" && error instanceof Error && /Minimum cardinality/.test(error.message))
              throw new UsageError(
                `${error.message}: the masters' etcd needs 3 members to keep quorum when one fails, so the master role never goes below 3 (--force overrides, at that risk)`,
              );
            throw error;
          });
        io.out(`onekube: scaling ${role} of ${name} to ${count}\n`);
        if (!opts.wait) return;
        // Settled once the role's history shows this scale (SCALING after `started`) ending.
        const settled = (v: ServiceView | undefined) => {
          const history = v?.roles.find((r) => r.name === role)?.history ?? [];
          const scaling = history.findLastIndex((t) => t.state === "SCALING" && t.at >= started - 1000);
          return (
            scaling >= 0 &&
            history.slice(scaling + 1).some((t) => /^(COOLDOWN|RUNNING|FAILED_SCALING)$/.test(t.state))
          );
        };
        const view = await watchService(io, cloud.root, name, id, started, settled, {
          daemon: cloud.info,
          timeoutMs: 30 * 60_000,
        });
        const state = view?.roles.find((r) => r.name === role)?.state;
        if (state === "FAILED_SCALING")
          throw new CloudError(
            "scale",
            `local cloud ${name}`,
            undefined,
            `scaling ${role} failed: onekube status ${name}`,
          );
        io.out(
          `onekube: ${role} is ${state} with ${view?.roles.find((r) => r.name === role)?.vms.length} VMs\n`,
        );
      },
    );
}

export function registerDown(program: Command, io: Io): void {
  program
    .command("down")
    .argument("<name>", "the local cloud")
    .description("undeploy the service and remove everything of the local cloud (also after a crash)")
    .action(async (name: string) => {
      const root = rootOf(io.env);
      let cloud: ReturnType<typeof findCloud> | undefined;
      try {
        cloud = findCloud(io, name);
      } catch {
        cloud = undefined;
      }
      if (cloud?.running) {
        const id = cloud.info.serviceId;
        if (id !== undefined) {
          // A clean undeploy (children first) when OneFlow accepts it; the sweep below covers the rest.
          await flowClient(cloud)
            .undeploy(id)
            .then(
              () =>
                watchService(
                  io,
                  root,
                  name,
                  id,
                  Date.now(),
                  (v) => v === undefined || /^FAILED_/.test(v.state),
                  {
                    daemon: cloud.info,
                    timeoutMs: 120_000,
                  },
                ).catch((e: unknown) =>
                  io.err(`onekube: ${e instanceof Error ? e.message : String(e)}; removing by force\n`),
                ),
              (e: unknown) =>
                io.err(
                  `onekube: undeploy refused (${e instanceof Error ? e.message : String(e)}); removing by force\n`,
                ),
            );
        }
        // Only the daemon itself is signalled: `running` compared its /proc start time, and it
        // may end on its own meanwhile (ESRCH is then no error).
        const signal = (sig: NodeJS.Signals) => {
          try {
            process.kill(cloud.info.pid, sig);
          } catch {}
        };
        signal("SIGTERM");
        for (let i = 0; i < 100 && daemonAlive(cloud.info); i++) await sleep(100);
        if (daemonAlive(cloud.info)) signal("SIGKILL");
      }
      await cleanupService(root, name);
      const left = await listLeftovers(root, name);
      if (!isClean(left))
        throw new UsageError(`could not remove everything of ${name}: ${JSON.stringify(left)}`);
      io.out(`onekube: ${name} is down; no namespace, link, loop device, mount or process of it remains\n`);
    });
}

export function registerLogs(program: Command, io: Io): void {
  program
    .command("logs")
    .argument("<name>", "the local cloud")
    .argument("[vm]", "a VM id, name or IP (default: the cloud's daemon log)")
    .description("print a VM's agent log, or the daemon's")
    .option("-n, --lines <n>", "only the last N lines")
    .action((name: string, which: string | undefined, opts: { lines?: string }) => {
      const cloud = findCloud(io, name);
      let file = daemonLog(cloud.root, name);
      const removed =
        which !== undefined && /^\d+$/.test(which) ? removedLog(cloud.root, name, Number(which)) : "";
      if (
        which !== undefined &&
        removed &&
        existsSync(removed) &&
        !existsSync(join(vmDir(cloud.root, name, Number(which)), "agent.log"))
      ) {
        // A VM removed by a scale-down: its log was kept when it went.
        file = removed;
      } else if (which !== undefined) {
        const vm = findVm(cloud, which);
        file = join(vmDir(cloud.root, name, vm.id), "agent.log");
        if (!existsSync(file)) {
          const error = serviceView(cloud)
            ?.roles.flatMap((r) => r.vms)
            .find((v) => v.id === vm.id)?.error;
          throw new UsageError(
            `VM ${vm.id} has no log any more (it was removed)${error ? `; its error: ${error}` : ""}`,
          );
        }
      }
      const lines = readFileSync(file, "utf8").split("\n");
      const n =
        opts.lines === undefined ? lines.length : parseIntOption("--lines", opts.lines, 1, 1_000_000) + 1;
      io.out(lines.slice(-n).join("\n"));
    });
}

export function registerExec(program: Command, io: Io): void {
  program
    .command("exec")
    .argument("<name>", "the local cloud")
    .argument("<vm>", "a VM id, name or IP")
    .argument("<command...>", "the command and its arguments (put -- before them)")
    .description("run a command inside a VM (its network, mount and UTS namespaces)")
    .action(async (name: string, which: string, argv: string[]) => {
      const cloud = findCloud(io, name);
      const vm = findVm(cloud, which);
      const result = await execInVm(cloud.root, name, vm.id, argv);
      io.out(result.stdout ? `${result.stdout}\n` : "");
      if (result.stderr) io.err(`${result.stderr}\n`);
      if (result.exitCode !== 0) throw new UsageError(`command exited with ${result.exitCode}`);
    });
}
