import type { Command } from "commander";
import { runAgent } from "../../agent/main.js";
import { PHASES } from "../../agent/roles.js";
import type { Io } from "../io.js";

export function registerAgent(program: Command, io: Io): void {
  program
    .command("agent")
    .description("run this VM's role: what a onekube VM starts at boot (reads its context, talks to OneGate)")
    .option(
      "--context-dir <dir>",
      "directory holding context.sh and token.txt (default: /run/onekube/context, /mnt/context, /run/one-context)",
    )
    .option("--once", "exit when the phases are done instead of staying up")
    .addHelpText(
      "after",
      `\nPhases, in order:\n${PHASES.map((p) => `  ${p.name.padEnd(16)} ${p.title}`).join("\n")}\n`,
    )
    .action(async (opts: { contextDir?: string; once?: boolean }) => {
      const stamp = () => new Date().toISOString();
      await runAgent({
        contextDir: opts.contextDir,
        once: opts.once ?? false,
        env: io.env,
        log: (line) => io.out(`${stamp()} ${line}\n`),
      });
    });
}
