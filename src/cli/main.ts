import { Command, CommanderError } from "commander";
import { ONEKUBE_VERSION } from "../versions.js";
import { registerDaemon } from "./cloud/daemon.js";
import { registerDisk } from "./cloud/disk.js";
import { registerDown } from "./cloud/down-cmd.js";
import { registerExec } from "./cloud/exec-cmd.js";
import { registerKubeconfig } from "./cloud/kubeconfig.js";
import { registerLogs } from "./cloud/logs-cmd.js";
import { registerReboot } from "./cloud/reboot-cmd.js";
import { registerScale } from "./cloud/scale-cmd.js";
import { registerStatus } from "./cloud/status-cmd.js";
import { registerUp } from "./cloud/up.js";
import { registerAgent } from "./commands/agent.js";
import { registerAppliance } from "./commands/appliance.js";
import { registerContextualize } from "./commands/contextualize.js";
import { registerImages } from "./commands/images.js";
import { registerParams } from "./commands/params.js";
import { registerRender } from "./commands/render.js";
import { registerTemplate } from "./commands/template.js";
import { registerValidate } from "./commands/validate.js";
import { reportError } from "./exit.js";
import { type Io, processIo } from "./io.js";

export function buildProgram(io: Io): Command {
  const program = new Command("onekube")
    .description(
      "Highly-available Kubernetes as a OneFlow service, on OpenNebula or on an embedded local cloud",
    )
    .version(ONEKUBE_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(run with --help for usage)");
  registerParams(program, io);
  registerValidate(program, io);
  registerRender(program, io);
  registerTemplate(program, io);
  registerUp(program, io);
  registerStatus(program, io);
  registerScale(program, io);
  registerDown(program, io);
  registerLogs(program, io);
  registerExec(program, io);
  registerReboot(program, io);
  registerKubeconfig(program, io);
  registerDisk(program, io);
  registerImages(program, io);
  registerAppliance(program, io);
  registerAgent(program, io);
  registerContextualize(program, io);
  registerDaemon(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    return reportError(error, io.err);
  }
}
