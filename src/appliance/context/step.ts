/**
 * What every contextualization step reads: the context's variables and the ports through which
 * it observes and changes the machine. `root` prefixes every path a step reads or writes
 * (`/` on a VM, a temporary directory in tests); `live` is false under `--root`, where no
 * command that changes the running system may run (hostname, growpart).
 */
import { join } from "node:path";
import type { Phase } from "../../agent/runner.js";
import type { Exec } from "../../host/exec.js";

export interface StepContext {
  readonly vars: Readonly<Record<string, string>>;
  readonly root: string;
  readonly live: boolean;
  readonly exec: Exec;
  /** A fact worth the reader's eye (a NIC left alone, a step with nothing to act on). */
  readonly note: (line: string) => void;
}

export type Step = Phase<StepContext>;

/** The path as the step must touch it: under the root. */
export const at = (ctx: Pick<StepContext, "root">, path: string): string => join(ctx.root, path);

/** The ETH<n> indices the context describes (ETH<n>_MAC set), in order. */
export function nicIndices(vars: Readonly<Record<string, string>>): number[] {
  return Object.keys(vars)
    .map((k) => /^ETH(\d+)_MAC$/.exec(k)?.[1])
    .filter((n): n is string => n !== undefined && (vars[`ETH${n}_MAC`] ?? "") !== "")
    .map(Number)
    .sort((a, b) => a - b);
}

/** A list value (`DNS='1.1.1.1 8.8.8.8'`, commas allowed), split. */
export const words = (value: string | undefined): string[] =>
  (value ?? "").split(/[\s,]+/).filter((w) => w.length > 0);

/** The words of several values, each once, in order. */
export const union = (...values: (string | undefined)[]): string[] => [...new Set(values.flatMap(words))];
