/**
 * Request parameters as upstream (Sinatra on Rack) sees them: the query string merged with a
 * form-encoded body, the body winning; and the raw body for PUT texts sent without a `data`
 * field. A GET body cannot travel inside a fetch Request, so the Node adapter reads it and hands
 * it over as the `getBody` binding (the CLI sends `extended=true` that way).
 */
import type { Context } from "hono";
import type { VmRecord } from "./backend.js";

export interface OneGateBindings {
  /** The body of a GET request, read by the Node adapter (serve.ts). */
  readonly getBody?: string;
}

export interface OneGateEnv {
  Bindings: OneGateBindings;
  Variables: { caller: VmRecord };
}

export interface RequestParams {
  get(name: string): string | undefined;
  /** The body as sent. */
  readonly raw: string;
}

const FORM_TYPE = "application/x-www-form-urlencoded";

export async function readParams(c: Context<OneGateEnv>): Promise<RequestParams> {
  const raw = c.req.method === "GET" ? (c.env?.getBody ?? "") : await c.req.text();
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  const form = mediaType === FORM_TYPE ? new URLSearchParams(raw) : undefined;
  const query = new URL(c.req.url).searchParams;
  return { raw, get: (name) => form?.get(name) ?? query.get(name) ?? undefined };
}

/** Ruby's String#to_i, which upstream applies to ids and `type`: leading digits, else 0. */
export function rubyToI(text: string): number {
  const match = /^\s*([+-]?\d+)/.exec(text);
  return match?.[1] === undefined ? 0 : Number.parseInt(match[1], 10);
}
