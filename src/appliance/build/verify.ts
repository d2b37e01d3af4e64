/**
 * systemd's own judgement of the image's units, by the image's systemd: `systemd-analyze
 * verify` loads them with everything they pull in and builds their start transaction, which
 * fails on an ordering cycle (appliance-image.md §7) or a bad directive.
 */
import type { Exec } from "../../host/exec.js";
import { AGENT_UNIT, CONTEXTUALIZE_UNIT } from "../units.js";

/** Lines systemd prints about this build machine, not about the units. */
const NOISE = [/Binding to IPv6 address not available/];

export interface UnitCheck {
  readonly units: readonly string[];
  /** What systemd-analyze said, noise removed (empty when all is well). */
  readonly findings: readonly string[];
}

export async function verifyUnits(
  exec: Exec,
  stage: string,
  units: readonly string[] = [CONTEXTUALIZE_UNIT, AGENT_UNIT],
): Promise<UnitCheck> {
  const r = await exec.run("chroot", [stage, "systemd-analyze", "verify", "--man=no", ...units], {
    allowFailure: true,
    operation: "verify the image's units",
  });
  const findings = `${r.stdout}\n${r.stderr}`
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !NOISE.some((n) => n.test(l)));
  if (r.exitCode !== 0 || findings.length > 0)
    throw new Error(`systemd-analyze verify ${units.join(" ")} in the image:\n${findings.join("\n")}`);
  return { units, findings };
}
