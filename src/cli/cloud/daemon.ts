import type { Command } from "commander";
import { startCloud } from "../../local/cloud.js";
import { rootOf } from "../../local/cloud-state.js";
import { checkServiceKey } from "../../local/names.js";
import type { Io } from "../io.js";
import { parseIntOption } from "../options.js";
import { readPublicKey } from "./ssh-key.js";

export interface DaemonOptions {
  name: string;
  cidr?: string;
  diskMb: string;
  cooldown: string;
  timeout: string;
  agent?: string;
  sshKey?: string;
}

/** The process that holds a local cloud; `onekube up` starts it, `onekube down` stops it. */
export function registerDaemon(program: Command, io: Io): void {
  program
    .command("daemon")
    .description(
      "hold a local cloud (OneGate, OneFlow, namespace VMs) until SIGTERM; started by `onekube up`",
    )
    .requiredOption("--name <name>", "the local cloud's name")
    .option("--cidr <cidr>", "service network (default: a free private /24)")
    .option("--disk-mb <n>", "size of each storage VM's sparse disk in MiB", "10240")
    .option("--cooldown <s>", "seconds a role rests after a scale", "10")
    .option("--timeout <min>", "minutes a role may take to deploy", "15")
    .option("--agent <json>", "the agent argv as a JSON array (tests)")
    .option(
      "--ssh-key <file>",
      "public key file: the user's SSH_PUBLIC_KEY, which every VM lets root log in with",
    )
    .action(async (opts: DaemonOptions) => {
      const log = (line: string) => io.out(`${new Date().toISOString()} ${line}\n`);
      const cloud = await startCloud({
        root: rootOf(io.env),
        name: checkServiceKey(opts.name),
        cidr: opts.cidr,
        diskMb: parseIntOption("--disk-mb", opts.diskMb, 16, 1 << 22),
        cooldown: parseIntOption("--cooldown", opts.cooldown, 0, 86400),
        deployTimeoutMs: parseIntOption("--timeout", opts.timeout, 1, 1440) * 60_000,
        agent: opts.agent ? (JSON.parse(opts.agent) as string[]) : undefined,
        sshPublicKey: opts.sshKey ? readPublicKey(opts.sshKey) : undefined,
        log,
      });
      await new Promise<void>((resolve) => {
        process.once("SIGTERM", resolve);
        process.once("SIGINT", resolve);
      });
      log("[cloud] stopping: removing every VM and the service network");
      await cloud.stop();
      log("[cloud] stopped");
    });
}
