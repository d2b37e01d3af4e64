/**
 * One OneGate request with bounded retries: a connection failure, a timeout or a 5xx answer is
 * tried again after a growing pause; any other answer is final. Every failure becomes one
 * CloudError naming the operation, the endpoint, the status and the body.
 */
import { CloudError } from "../errors.js";

export interface RetryOptions {
  /** Tries after the first; default 3. */
  readonly retries?: number;
  /** Pause before the first retry, doubled each time; default 500 ms. */
  readonly retryDelayMs?: number;
  /** Per try; default 20 s. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Credentials {
  readonly endpoint: string;
  readonly vmId: number;
  readonly token: string;
}

export interface Call {
  readonly operation: string;
  readonly method: "GET" | "PUT";
  readonly path: string;
  readonly body?: { readonly contentType: string; readonly text: string };
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The response body of a 2xx answer. */
export async function send(credentials: Credentials, options: RetryOptions, call: Call): Promise<string> {
  const url = `${credentials.endpoint.replace(/\/+$/, "")}${call.path}`;
  const where = `${call.method} ${url}`;
  const retries = options.retries ?? 3;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? pause;
  const headers: Record<string, string> = {
    "X-ONEGATE-TOKEN": credentials.token,
    "X-ONEGATE-VMID": String(credentials.vmId),
    Accept: "application/json",
  };
  if (call.body) headers["Content-Type"] = call.body.contentType;

  for (let attempt = 0; ; attempt++) {
    const last = attempt >= retries;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: call.method,
        headers,
        ...(call.body ? { body: call.body.text } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
      });
    } catch (error) {
      if (last) throw new CloudError(call.operation, where, undefined, "", { cause: error });
      await sleep((options.retryDelayMs ?? 500) * 2 ** attempt);
      continue;
    }
    const text = await response.text();
    if (response.ok) return text;
    // Only a server or proxy that is down or overloaded may answer differently later; OneGate's
    // own 500s (`attribute not found`, a template it cannot parse) say the same every time.
    const transient = response.status === 502 || response.status === 503 || response.status === 504;
    if (!transient || last) throw new CloudError(call.operation, where, response.status, text);
    await sleep((options.retryDelayMs ?? 500) * 2 ** attempt);
  }
}
