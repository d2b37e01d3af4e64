import { UsageError } from "../../errors.js";
import { growRootStep } from "./growroot.js";
import { hostnameStep } from "./hostname.js";
import { networkStep } from "./network-step.js";
import { resolvStep } from "./resolv.js";
import { sshStep } from "./ssh.js";
import type { Step } from "./step.js";

/**
 * Contextualization's steps, in order: the network files first (networkd starts after this
 * unit), then the resolver, the name, root's SSH access, the root file system. Swap is never
 * turned on (kubelet refuses it), so it has no step.
 */
export const STEPS: readonly Step[] = [networkStep, resolvStep, hostnameStep, sshStep, growRootStep];

function names(option: string, list: readonly string[]): Set<string> {
  const known = STEPS.map((s) => s.name);
  const bad = list.filter((n) => !known.includes(n));
  if (bad.length > 0)
    throw new UsageError(
      `${option}: no step ${bad.map((b) => JSON.stringify(b)).join(", ")}; steps: ${known.join(", ")}`,
    );
  return new Set(list);
}

/** The steps with those not chosen by --only / --skip made to skip (the report still lists them). */
export function selectSteps(only: readonly string[] | undefined, skip: readonly string[] = []): Step[] {
  const chosen = only === undefined ? undefined : names("--only", only);
  const skipped = names("--skip", skip);
  return STEPS.map((step) =>
    (chosen === undefined || chosen.has(step.name)) && !skipped.has(step.name)
      ? step
      : { ...step, shouldRun: () => false },
  );
}
