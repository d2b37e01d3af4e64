/**
 * Runs a role's literal list of phases in order, like kubeadm's init phases: each phase may
 * decide it has nothing to do (`shouldRun`), reports whether it changed anything, and a failure
 * is wrapped once with the phase's name.
 */

export type PhaseOutcome = "changed" | "unchanged" | "skipped";

export interface Phase<C> {
  readonly name: string;
  readonly title: string;
  shouldRun?(ctx: C): boolean | Promise<boolean>;
  run(ctx: C): Promise<Exclude<PhaseOutcome, "skipped">>;
}

export interface PhaseReport {
  readonly name: string;
  readonly outcome: PhaseOutcome;
  readonly ms: number;
}

export class PhaseError extends Error {
  override readonly name = "PhaseError";
  constructor(
    readonly phase: string,
    cause: unknown,
  ) {
    super(`[${phase}] ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface RunnerHooks {
  readonly log: (line: string) => void;
  readonly onPhase?: (phase: string, state: "started" | PhaseOutcome) => Promise<void> | void;
}

export async function runPhases<C>(
  phases: readonly Phase<C>[],
  ctx: C,
  hooks: RunnerHooks,
): Promise<PhaseReport[]> {
  const reports: PhaseReport[] = [];
  for (const phase of phases) {
    const start = performance.now();
    if (phase.shouldRun && !(await phase.shouldRun(ctx))) {
      hooks.log(`[${phase.name}] skipped`);
      reports.push({ name: phase.name, outcome: "skipped", ms: 0 });
      continue;
    }
    hooks.log(`[${phase.name}] ${phase.title}`);
    await hooks.onPhase?.(phase.name, "started");
    let outcome: Exclude<PhaseOutcome, "skipped">;
    try {
      outcome = await phase.run(ctx);
    } catch (error) {
      throw error instanceof PhaseError ? error : new PhaseError(phase.name, error);
    }
    const ms = Math.round(performance.now() - start);
    hooks.log(`[${phase.name}] ${outcome} in ${ms} ms`);
    await hooks.onPhase?.(phase.name, outcome);
    reports.push({ name: phase.name, outcome, ms });
  }
  return reports;
}
