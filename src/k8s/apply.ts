import { isDeepStrictEqual } from "node:util";
import type { KubeObject } from "../params/types.js";
import { KubeApiError, type KubeClient } from "./client.js";
import { waitForCrdsEstablished } from "./crd.js";
import { Discovery } from "./discovery.js";
import { classify, DEFAULT_RETRY, type RetryPolicy, withRetry } from "./retry.js";

export type ApplyOutcome = "created" | "changed" | "unchanged";

export interface AppliedObject {
  /** `Kind namespace/name` or `Kind name`. */
  readonly object: string;
  readonly outcome: ApplyOutcome;
}

export interface ApplyOptions {
  readonly fieldManager: string;
  readonly log?: (line: string) => void;
  /** Bound on the wait for applied CRDs to become Established. */
  readonly crdTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
}

/** A failure to apply one object: which object, and the API's own words. */
export class ApplyError extends Error {
  constructor(
    readonly object: string,
    /** `webhook` when an admission webhook did not answer within its bound. */
    readonly failure: "webhook" | "api",
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = "ApplyError";
  }
}

export function objectRef(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return `${o.kind} ${ns === undefined ? "" : `${ns}/`}${o.metadata.name}`;
}

const isFirst = (o: KubeObject) => o.kind === "Namespace" || o.kind === "CustomResourceDefinition";

/** Namespaces and CRDs first (in their given order), then everything else (in its given order). */
export function applyOrder(objects: readonly KubeObject[]): { first: KubeObject[]; rest: KubeObject[] } {
  return { first: objects.filter(isFirst), rest: objects.filter((o) => !isFirst(o)) };
}

/**
 * The object without the bookkeeping an apply may touch on its own: the API records field
 * ownership of an object that was created with no owned fields (a bare Namespace) only at
 * its second apply, a new resourceVersion for no change of content.
 */
function content(o: unknown): unknown {
  const { metadata, ...rest } = o as { metadata?: Record<string, unknown> };
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata ?? {};
  return { ...rest, metadata: meta };
}

async function applyOne(
  client: KubeClient,
  discovery: Discovery,
  object: KubeObject,
  fieldManager: string,
): Promise<ApplyOutcome> {
  const path = await discovery.path(object);
  let before: unknown;
  try {
    before = await client.request("GET", path);
  } catch (error) {
    // Absent (or its kind not served yet, which the apply below retries): this apply creates it.
    if (!(error instanceof KubeApiError && error.status === 404)) throw error;
  }
  const query = `?fieldManager=${encodeURIComponent(fieldManager)}&force=true`;
  const after = await client.request("PATCH", `${path}${query}`, {
    body: object,
    contentType: "application/apply-patch+yaml",
  });
  if (before === undefined) return "created";
  return isDeepStrictEqual(content(after), content(before)) ? "unchanged" : "changed";
}

function failure(object: KubeObject, error: unknown): ApplyError {
  const ref = objectRef(object);
  const message = error instanceof Error ? error.message : String(error);
  if (classify(error) === "webhook") {
    return new ApplyError(
      ref,
      "webhook",
      `${ref}: the admission webhook that validates it does not answer (is the add-on's controller running?): ${message}`,
      error,
    );
  }
  const status =
    error instanceof KubeApiError ? ` (HTTP ${error.status}${error.reason ? ` ${error.reason}` : ""})` : "";
  return new ApplyError(ref, "api", `${ref}: ${message}${status}`, error);
}

/**
 * Server-side applies `objects` as `fieldManager`, taking over conflicting fields (the add-ons
 * are ours to configure). Namespaces and CRDs go first and the CRDs must be Established before
 * anything else, so that objects of their kinds are served. Re-applying is a no-op that
 * reports `unchanged`. The first object that cannot be applied stops the run with an ApplyError.
 */
export async function applyObjects(
  client: KubeClient,
  objects: readonly KubeObject[],
  options: ApplyOptions,
): Promise<AppliedObject[]> {
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const discovery = new Discovery(client);
  const results: AppliedObject[] = [];
  const apply = async (object: KubeObject) => {
    let outcome: ApplyOutcome;
    try {
      outcome = await withRetry(() => applyOne(client, discovery, object, options.fieldManager), policy);
    } catch (error) {
      throw failure(object, error);
    }
    results.push({ object: objectRef(object), outcome });
    options.log?.(`${objectRef(object)} ${outcome}`);
  };
  const { first, rest } = applyOrder(objects);
  for (const o of first) await apply(o);
  const crds = first.filter((o) => o.kind === "CustomResourceDefinition").map((o) => o.metadata.name);
  if (crds.length > 0) {
    const started = Date.now();
    await waitForCrdsEstablished(client, crds, options.crdTimeoutMs ?? 60_000);
    options.log?.(`${crds.length} CustomResourceDefinitions established in ${Date.now() - started} ms`);
  }
  for (const o of rest) await apply(o);
  return results;
}
