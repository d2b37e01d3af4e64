/**
 * A steady stream of Kubernetes API calls through the endpoint: a write (a ConfigMap named by a
 * sequence number) then a read of the last acknowledged write, every `intervalMs`, each call on a
 * connection of its own, so that every master gets its share of them (as the many clients of a
 * cluster, kubelets and controllers, each with their own connection, give each master some): a
 * master that fails is met at once, not only when it happens to hold the one connection. A failed
 * call is tried once more at once, as client-go retries. Every call is recorded, so a fault's
 * window can be judged afterwards, and every acknowledged write can be looked for at the end.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { parse } from "yaml";

export interface ApiCall {
  readonly kind: "write" | "read";
  readonly seq: number;
  readonly start: number;
  readonly end: number;
  /** Succeeded on the first try. */
  readonly firstTry: boolean;
  /** Succeeded on the first try or on the one retry. */
  readonly ok: boolean;
  /** Why the first try failed (then the retry's, when it failed too). */
  readonly error?: string;
}

interface Credentials {
  readonly server: URL;
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

function credentials(kubeconfig: string): Credentials {
  const c = parse(readFileSync(kubeconfig, "utf8")) as {
    clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
    users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
  };
  const b64 = (s: string | undefined) => Buffer.from(s ?? "", "base64");
  return {
    server: new URL(c.clusters[0]?.cluster.server ?? ""),
    ca: b64(c.clusters[0]?.cluster["certificate-authority-data"]),
    cert: b64(c.users[0]?.user["client-certificate-data"]),
    key: b64(c.users[0]?.user["client-key-data"]),
  };
}

export const STREAM_LABEL = "onekube-api-stream";

export class ApiStream {
  readonly calls: ApiCall[] = [];
  /** Sequence numbers of the writes the API acknowledged (201, or 409 when a lost answer's retry found it). */
  readonly acknowledged: number[] = [];
  readonly #creds: Credentials;
  readonly #agent: Agent;
  #running = false;
  #done: Promise<void> | undefined;
  #seq = 0;

  constructor(
    kubeconfig: string,
    readonly o: { readonly intervalMs?: number; readonly timeoutMs?: number; readonly prefix?: string } = {},
  ) {
    this.#creds = credentials(kubeconfig);
    this.#agent = new Agent({
      keepAlive: false,
      ca: this.#creds.ca,
      cert: this.#creds.cert,
      key: this.#creds.key,
    });
  }

  #call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#creds.server.hostname,
          port: this.#creds.server.port,
          method,
          path,
          agent: this.#agent,
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          timeout: this.o.timeoutMs ?? 5000,
        },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => {
            text += c.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** One call, retried once on a new connection; `accept` judges a status. */
  async #attempt(
    kind: ApiCall["kind"],
    seq: number,
    run: (retry: boolean) => Promise<boolean>,
  ): Promise<boolean> {
    const start = Date.now();
    const errors: string[] = [];
    for (const retry of [false, true]) {
      try {
        if (await run(retry)) {
          const first = errors[0];
          this.calls.push({
            kind,
            seq,
            start,
            end: Date.now(),
            firstTry: !retry,
            ok: true,
            ...(first ? { error: first } : {}),
          });
          return true;
        }
        errors.push(`unexpected status (try ${errors.length + 1})`);
      } catch (e) {
        errors.push(
          `${e instanceof Error ? e.message : String(e)} (try ${errors.length + 1}, after ${Date.now() - start} ms)`,
        );
      }
    }
    const error = errors.join("; ");
    this.calls.push({
      kind,
      seq,
      start,
      end: Date.now(),
      firstTry: false,
      ok: false,
      ...(error ? { error } : {}),
    });
    return false;
  }

  async #round(): Promise<void> {
    const seq = ++this.#seq;
    const name = `${this.o.prefix ?? "stream"}-${seq}`;
    const body = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, labels: { [STREAM_LABEL]: this.o.prefix ?? "stream" } },
      data: { seq: String(seq) },
    };
    await this.#attempt("write", seq, async (retry) => {
      const r = await this.#call("POST", "/api/v1/namespaces/default/configmaps", body);
      // 409 on the retry: the first try was written, its answer lost on the way back.
      const written = r.status === 201 || (retry && r.status === 409);
      if (written) this.acknowledged.push(seq);
      return written;
    });
    const last = this.acknowledged.at(-1);
    if (last === undefined) return;
    await this.#attempt("read", last, async () => {
      const r = await this.#call(
        "GET",
        `/api/v1/namespaces/default/configmaps/${this.o.prefix ?? "stream"}-${last}`,
      );
      return (
        r.status === 200 && (JSON.parse(r.text) as { data?: { seq?: string } }).data?.seq === String(last)
      );
    });
  }

  start(): void {
    this.#running = true;
    this.#done = (async () => {
      while (this.#running) {
        const t = Date.now();
        await this.#round();
        await new Promise((r) => setTimeout(r, Math.max(0, (this.o.intervalMs ?? 100) - (Date.now() - t))));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
    this.#agent.destroy();
  }
}

export interface WindowStats {
  readonly calls: number;
  /** Calls whose first try failed (a client without retries would have seen these fail). */
  readonly failedFirstTry: number;
  /** Calls that failed on the retry too. */
  readonly failedWithRetry: number;
  /** The longest time without a call completing successfully, in ms. */
  readonly longestGapMs: number;
  /** The call that took longest (started from the last success before the window on), and what its tries met. */
  readonly slowest?: string;
}

/** What the calls that started in [from, to) saw; the gap counts from the last success before `from`. */
export function windowStats(calls: readonly ApiCall[], from: number, to: number): WindowStats {
  const inside = calls.filter((c) => c.start >= from && c.start < to);
  const successes = calls
    .filter((c) => c.ok)
    .map((c) => c.end)
    .sort((a, b) => a - b);
  const before = successes.filter((t) => t < from).at(-1) ?? from;
  const ends = [before, ...successes.filter((t) => t >= from && t <= to), to];
  let longest = 0;
  for (let i = 1; i < ends.length; i++) longest = Math.max(longest, (ends[i] ?? 0) - (ends[i - 1] ?? 0));
  const around = calls.filter((c) => c.end >= before && c.start < to);
  const slow = around.reduce<ApiCall | undefined>(
    (a, c) => (!a || c.end - c.start > a.end - a.start ? c : a),
    undefined,
  );
  return {
    calls: inside.length,
    failedFirstTry: inside.filter((c) => !c.firstTry).length,
    failedWithRetry: inside.filter((c) => !c.ok).length,
    longestGapMs: longest,
    ...(slow
      ? {
          slowest: `${slow.kind} ${slow.seq}: ${slow.end - slow.start} ms${slow.error ? ` (${slow.error})` : ""}`,
        }
      : {}),
  };
}
