import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { daemonLog } from "../../local/cloud-state.js";
import { removedLog, vmDir } from "../../local/names.js";
import type { Io } from "../io.js";
import { parseIntOption } from "../options.js";
import { findCloud, findVm, serviceView } from "./access.js";

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
