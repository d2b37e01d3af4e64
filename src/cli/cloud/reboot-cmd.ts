import type { Command } from "commander";
import { hostExec } from "../../host/exec.js";
import { rebootVm } from "../../local/vm-reboot.js";
import type { Io } from "../io.js";
import { findCloud, findVm } from "./access.js";

export function registerReboot(program: Command, io: Io): void {
  program
    .command("reboot")
    .argument("<name>", "the local cloud")
    .argument("<vm>", "a VM id, name or IP")
    .option(
      "--hard",
      "a power cycle: every process killed at once (default: the agent first gets a shutdown's time to stop)",
    )
    .description(
      "reboot a VM of the local cloud, as `onevm reboot` does: its disk, address and service state stay, every process ends, and it boots again (SSH key, sshd, agent) from an empty /run",
    )
    .action(async (name: string, which: string, opts: { hard?: boolean }) => {
      const cloud = findCloud(io, name);
      const vm = findVm(cloud, which);
      const started = Date.now();
      await rebootVm(hostExec, cloud.root, name, vm.id, { hard: opts.hard ?? false });
      io.out(
        `onekube: VM ${vm.id} (${vm.name}) rebooted${opts.hard ? " (hard)" : ""} in ${((Date.now() - started) / 1000).toFixed(1)} s; its agent runs again (onekube logs ${name} ${vm.id})\n`,
      );
    });
}
