import { setTimeout as sleep } from "node:timers/promises";
import type { KubeClient } from "./client.js";

/**
 * Waits until the API server says it is ready (`/readyz` answers "ok"), polling every
 * `intervalMs`; after `timeoutMs` fails with the last answer or error, so a refused
 * connection and a server stuck on a failing check read differently.
 */
export async function waitForApi(
  client: KubeClient,
  { timeoutMs = 60_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  for (;;) {
    try {
      const body = await client.request("GET", "/readyz", { timeoutMs: Math.min(5_000, timeoutMs) });
      if (typeof body === "string" && body.trim() === "ok") return;
      last = `answered ${JSON.stringify(body)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline)
      throw new Error(`the API server at ${client.server} is not ready after ${timeoutMs} ms: ${last}`);
    await sleep(intervalMs);
  }
}
