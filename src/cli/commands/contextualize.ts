import type { Command } from "commander";
import { CONTEXT_COPY, CONTEXT_LABEL } from "../../appliance/context/cd.js";
import { contextualize } from "../../appliance/context/run.js";
import { STEPS } from "../../appliance/context/steps.js";
import { hostExec } from "../../host/exec.js";
import { type Io, printJson } from "../io.js";
import { parseIntOption } from "../options.js";

interface ContextualizeFlags {
  source?: string;
  root: string;
  only?: string;
  skip?: string;
  cdWait: string;
  json?: boolean;
}

const list = (value: string | undefined) =>
  value
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** What the appliance's first unit runs at boot, before the network and the agent. */
export function registerContextualize(program: Command, io: Io): void {
  program
    .command("contextualize")
    .description(
      "configure this VM from its OpenNebula context (network, resolver, hostname, SSH key, root size); what the appliance runs at boot, as root",
    )
    .option(
      "--source <dir>",
      `read context.sh and token.txt from DIR instead of the context CD (label ${CONTEXT_LABEL})`,
    )
    .option(
      "--root <dir>",
      "write every file under DIR and run no command that changes the running system (tests)",
      "/",
    )
    .option("--only <steps>", "run only these steps (comma-separated)")
    .option("--skip <steps>", "skip these steps (comma-separated)")
    .option("--cd-wait <s>", "seconds to wait for the context CD to appear", "30")
    .option("--json", "print the report as JSON (the log goes to stderr)")
    .addHelpText(
      "after",
      [
        "",
        `The context CD is found by its label (blkid -t LABEL=${CONTEXT_LABEL}), mounted read-only, and`,
        `context.sh and token.txt are copied to ${CONTEXT_COPY} (0700) for the agent; context.sh is`,
        "parsed, never run. Then, in order (each step changes only what differs, and says so):",
        ...STEPS.map((s) => `  ${s.name.padEnd(10)} ${s.title}`),
        "Swap is never turned on (kubelet refuses it). Exit codes: 3 context.sh unreadable (the line",
        "is named), 4 a command failed or no context CD was found.",
        "",
      ].join("\n"),
    )
    .action(async (opts: ContextualizeFlags) => {
      const log = (line: string) => (opts.json ? io.err : io.out)(`${line}\n`);
      const report = await contextualize({
        source: opts.source,
        root: opts.root,
        only: list(opts.only),
        skip: list(opts.skip),
        cdWaitMs: parseIntOption("--cd-wait", opts.cdWait, 0, 3600) * 1000,
        exec: hostExec,
        log,
      });
      if (opts.json) printJson(io, report);
    });
}
