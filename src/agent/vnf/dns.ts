/**
 * DNS: unbound runs in the foreground under the agent's supervisor, so this module only says
 * how to check its config and how to start it; the supervisor owns the process.
 */
import type { Exec } from "../../host/exec.js";

export interface Command {
  readonly file: string;
  readonly args: readonly string[];
}

/** `unbound -d -c FILE`: no fork, logs on stderr; `-p` also keeps it from writing a pidfile. */
export function unboundCommand(configFile: string): Command {
  return { file: "unbound", args: ["-d", "-p", "-c", configFile] };
}

/** Runs `unbound-checkconf FILE`; a refused config throws HostError with unbound's reason. */
export async function checkUnboundConfig(exec: Exec, configFile: string): Promise<void> {
  await exec.run("unbound-checkconf", [configFile], { operation: `check DNS config ${configFile}` });
}
