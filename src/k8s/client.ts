import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from "node:https";
import { readKubeconfig } from "./kubeconfig.js";

/**
 * A small JSON client for the Kubernetes API over plain HTTPS, with the kubeconfig's credentials
 * (kubeconfig.ts). Not @kubernetes/client-node's typed client: its serializer rebuilds bodies
 * from its own models, dropping `x-kubernetes-*` schema keys and every field its models lack,
 * which would silently change the upstream CRDs we apply.
 */

/** A refusal by the API server: the HTTP status and the Status object's reason and message. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

export interface RequestInit {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

export interface KubeClient {
  readonly server: string;
  /** The parsed JSON (or text) of a 2xx answer; a KubeApiError for any other status. */
  request(method: string, path: string, init?: RequestInit): Promise<unknown>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!contentType?.includes("json") || text === "") return text;
  return JSON.parse(text) as unknown;
}

function apiError(status: number, body: unknown, method: string, path: string): KubeApiError {
  if (typeof body === "object" && body !== null && "message" in body) {
    const s = body as { message?: unknown; reason?: unknown };
    return new KubeApiError(status, String(s.reason ?? ""), String(s.message));
  }
  const text = typeof body === "string" && body.trim() !== "" ? body.trim() : `HTTP ${status}`;
  return new KubeApiError(status, "", `${method} ${path}: ${text}`);
}

/** A client for the current context of the kubeconfig file at `path`. */
export function kubeClientFromFile(path: string): KubeClient {
  const access = readKubeconfig(path);
  const server = access.server;
  const secure = new URL(server).protocol === "https:";
  // Keep-alive: an add-on is a few hundred requests; one TLS handshake each would dominate.
  const tls = {
    ...(access.ca ? { ca: access.ca } : {}),
    ...(access.cert ? { cert: access.cert } : {}),
    ...(access.key ? { key: access.key } : {}),
    rejectUnauthorized: !access.insecureSkipTlsVerify,
  };
  const agent = secure ? new HttpsAgent({ keepAlive: true, ...tls }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  const auth: Record<string, string> = access.token ? { Authorization: `Bearer ${access.token}` } : {};

  async function request(method: string, path: string, init: RequestInit = {}): Promise<unknown> {
    const options: RequestOptions = { method, agent, headers: { Accept: "application/json", ...auth } };
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    if (body !== undefined) {
      options.headers = {
        ...options.headers,
        "Content-Type": init.contentType ?? "application/json",
        "Content-Length": Buffer.byteLength(body),
      };
    }
    const url = new URL(path, server);
    return new Promise((resolve, reject) => {
      const req = send(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          try {
            const parsed = parseBody(Buffer.concat(chunks).toString("utf8"), res.headers["content-type"]);
            if (status >= 200 && status < 300) resolve(parsed);
            else reject(apiError(status, parsed, method, path));
          } catch (error) {
            reject(error);
          }
        });
      });
      const timeoutMs = init.timeoutMs ?? 30_000;
      req.setTimeout(timeoutMs, () =>
        req.destroy(new Error(`${method} ${url.href}: no answer within ${timeoutMs} ms`)),
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  return { server, request, close: () => agent.destroy() };
}
