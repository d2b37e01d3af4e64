import { setTimeout as sleep } from "node:timers/promises";
import type { KubeClient } from "./client.js";
import { classify } from "./retry.js";

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

interface CrdStatus {
  readonly status?: { readonly conditions?: readonly Condition[] };
}

const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

/** What keeps a CRD from being established, for the error message: its false conditions. */
function why(crd: CrdStatus | undefined): string {
  const bad = (crd?.status?.conditions ?? []).filter((c) => c.status !== "True");
  if (bad.length === 0) return "no Established condition yet";
  return bad.map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ""}`).join(", ");
}

/**
 * Waits until every named CRD has Established=True, the point from which the API serves its
 * kinds; fails after `timeoutMs` naming each CRD still waiting and why.
 */
export async function waitForCrdsEstablished(
  client: KubeClient,
  names: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const waiting = new Map<string, CrdStatus | undefined>(names.map((n) => [n, undefined]));
  for (;;) {
    for (const name of [...waiting.keys()]) {
      let crd: CrdStatus;
      try {
        crd = (await client.request("GET", `${CRD_PATH}/${name}`)) as CrdStatus;
      } catch (error) {
        // A restarting API server is no reason to give up before the deadline.
        if (classify(error) !== "transient" || Date.now() >= deadline) throw error;
        break;
      }
      waiting.set(name, crd);
      const established = crd.status?.conditions?.some(
        (c) => c.type === "Established" && c.status === "True",
      );
      if (established) waiting.delete(name);
    }
    if (waiting.size === 0) return;
    if (Date.now() >= deadline) {
      const list = [...waiting].map(([name, crd]) => `CustomResourceDefinition ${name}: ${why(crd)}`);
      throw new Error(`not established within ${timeoutMs} ms: ${list.join("; ")}`);
    }
    await sleep(100);
  }
}
