import { setTimeout as sleep } from "node:timers/promises";
import { describeApiError } from "./kube.js";

/**
 * Runs an idempotent step until it succeeds or `ms` passed. While masters come and go the
 * endpoint may hand a request to an API server that is leaving (its etcd member removed) or
 * still warming up (its authorizer not synced: a 403 for the cluster admin), so any failure is
 * worth another try within the bound.
 */
export async function persist<T>(
  what: string,
  step: () => Promise<T>,
  log: (line: string) => void,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (let delay = 500; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await step();
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      log(`[${what}] ${describeApiError(error)}; trying again`);
      await sleep(delay);
    }
  }
}
