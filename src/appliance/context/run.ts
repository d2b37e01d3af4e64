/**
 * `onekube contextualize`: fetch the context (CD or directory), keep a copy for the agent at
 * /run/onekube/context, then run the steps in order. Each step is idempotent and says whether it
 * changed anything, so a second run (a reboot) reports every step unchanged.
 */
import { join } from "node:path";
import { type PhaseOutcome, runPhases } from "../../agent/runner.js";
import type { Exec } from "../../host/exec.js";
import {
  CD_MOUNTS,
  CONTEXT_COPY,
  type ContextFiles,
  contextVars,
  copyContext,
  findContextCd,
  readContextCd,
  readContextDir,
} from "./cd.js";
import type { StepContext } from "./step.js";
import { selectSteps } from "./steps.js";

export interface ContextualizeOptions {
  /** A directory holding context.sh (and token.txt) instead of the CD. */
  readonly source?: string | undefined;
  /** Prefix of every path read or written; anything but `/` runs no command that changes the running system. */
  readonly root: string;
  readonly only?: readonly string[] | undefined;
  readonly skip?: readonly string[] | undefined;
  /** How long the CD may take to appear. */
  readonly cdWaitMs: number;
  readonly exec: Exec;
  readonly log: (line: string) => void;
}

export interface StepReport {
  readonly name: string;
  readonly outcome: PhaseOutcome;
  readonly ms: number;
  readonly notes: readonly string[];
}

export interface ContextualizeReport {
  readonly source: {
    readonly from: string;
    readonly copy: string;
    readonly outcome: "changed" | "unchanged";
  };
  readonly steps: readonly StepReport[];
}

async function fetchContext(o: ContextualizeOptions): Promise<ContextFiles> {
  if (o.source !== undefined) return readContextDir(o.source);
  const device = await findContextCd(o.exec, o.cdWaitMs);
  o.log(`[context] the context CD is ${device}`);
  return readContextCd(o.exec, device, join(o.root, CD_MOUNTS));
}

export async function contextualize(o: ContextualizeOptions): Promise<ContextualizeReport> {
  const steps = selectSteps(o.only, o.skip); // a bad --only fails before anything is touched
  const files = await fetchContext(o);
  const vars = contextVars(files);
  const copied = await copyContext(files, join(o.root, CONTEXT_COPY));
  const source = { from: files.from, copy: CONTEXT_COPY, outcome: copied ? "changed" : "unchanged" } as const;
  o.log(`[context] ${files.from} copied to ${CONTEXT_COPY}: ${source.outcome}`);
  const notes = new Map<string, string[]>();
  let current = "";
  const ctx: StepContext = {
    vars,
    root: o.root,
    live: o.root === "/",
    exec: o.exec,
    note: (line) => {
      notes.get(current)?.push(line);
      o.log(`[${current}] ${line}`);
    },
  };
  const reports = await runPhases(steps, ctx, {
    log: o.log,
    onPhase: (phase, state) => {
      if (state !== "started") return;
      current = phase;
      notes.set(phase, []);
    },
  });
  return { source, steps: reports.map((r) => ({ ...r, notes: notes.get(r.name) ?? [] })) };
}
