import { setTimeout as sleep } from "node:timers/promises";
import { KubeApiError } from "./client.js";

/**
 * Which failures are worth another try, and for how long. An admission webhook that does not
 * answer is its own class: its server is a pod of the add-on (MetalLB's controller) that may
 * still be starting, or may never run, so it gets its own bound and its own words.
 */

export type FailureClass = "transient" | "webhook" | "permanent";

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);

export function classify(error: unknown): FailureClass {
  if (error instanceof KubeApiError) {
    if (/failed calling webhook/i.test(error.message)) return "webhook";
    if (error.status === 429 || error.status >= 500) return "transient";
    // Discovery lags a newly established CRD by a moment: its kinds are "not found" until then.
    if (error.status === 404 && /could not find the requested resource/.test(error.message))
      return "transient";
    return "permanent";
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return "transient";
  if (error instanceof Error && /no answer within/.test(error.message)) return "transient";
  return "permanent";
}

export interface RetryPolicy {
  /** How long transient failures (network, 5xx, 429, fresh CRD) are retried. */
  readonly transientMs: number;
  /** How long an unreachable admission webhook is waited for. */
  readonly webhookMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  transientMs: 60_000,
  webhookMs: 180_000,
  initialDelayMs: 100,
  maxDelayMs: 2_000,
};

/** Runs `attempt` until it succeeds, fails permanently, or its failure class is out of time. */
export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const start = Date.now();
  let delay = policy.initialDelayMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const kind = classify(error);
      const budget = kind === "webhook" ? policy.webhookMs : kind === "transient" ? policy.transientMs : 0;
      if (Date.now() - start + delay > budget) throw error;
      await sleep(delay);
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}
