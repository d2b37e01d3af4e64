import type { Command } from "commander";
import { ConfigError, formatIssue } from "../../errors.js";
import { collectRawParams } from "../../params/sources.js";
import type { Role, ServiceConfig } from "../../params/types.js";
import { parseParams } from "../../params/validate.js";
import { type Io, printJson, table } from "../io.js";
import { collect, parseRole } from "../options.js";

export interface ConfigOptions {
  context?: string;
  set?: string[];
  role?: string;
}

/** Reads and validates parameters the way every command does; throws ConfigError with all issues. */
export async function loadConfig(opts: ConfigOptions, io: Io, role?: Role) {
  const raw = await collectRawParams({ contextFile: opts.context, env: io.env, sets: opts.set ?? [] });
  const result = parseParams(raw, { role });
  if (!result.ok) throw new ConfigError(result.issues);
  for (const issue of result.issues) io.err(`${formatIssue(issue)}\n`);
  return result;
}

export function addConfigOptions(command: Command): Command {
  return command
    .option("--context <file>", "an OpenNebula context.sh file (overrides ONEAPP_* from the environment)")
    .option("--set <KEY=VALUE>", "set one parameter (repeatable; overrides the context)", collect, []);
}

export function registerValidate(program: Command, io: Io): void {
  addConfigOptions(program.command("validate"))
    .description("validate parameters; print the effective values, or every error at once")
    .option("--role <role>", "validate only what a VM of this role uses (vnf, master, worker, storage)")
    .option("--json", "print JSON")
    .action(async (opts: ConfigOptions & { json?: boolean }) => {
      const role = opts.role === undefined ? undefined : parseRole(opts.role);
      const result = await loadConfig(opts, io, role);
      if (opts.json)
        return printJson(io, { effective: result.effective, config: result.config satisfies ServiceConfig });
      const rows = Object.entries(result.effective).map(([k, v]) => [k, v ?? ""]);
      io.out(`${table([["PARAMETER", "VALUE"], ...rows])}\n`);
    });
}
