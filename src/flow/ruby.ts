/**
 * Ruby's number conversions, because OneFlow applies them to what clients send and clients rely
 * on the leniency (the OneGate CLI scales with `{"cardinality":"3"}`).
 */

/** `to_i`: leading digits, else 0 ("3" → 3, "3x" → 3, "x" → 0). */
export function rubyToI(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value !== "string") return 0;
  const match = /^\s*([-+]?\d+)/.exec(value);
  return match?.[1] ? Number.parseInt(match[1], 10) : 0;
}

/** `Integer(x)` as the validator applies it: "3" → 3, 3.7 → 3; anything else is left to fail. */
export function rubyInteger(value: unknown): unknown {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return value;
}
