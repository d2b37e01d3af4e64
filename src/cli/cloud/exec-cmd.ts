import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { execInVm } from "../../local/vm-exec.js";
import type { Io } from "../io.js";
import { findCloud, findVm } from "./access.js";

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
