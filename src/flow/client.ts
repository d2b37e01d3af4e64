/**
 * A small client for OneFlow's REST API — the embedded one or a real OpenNebula's. It finds the
 * server and credentials as OpenNebula's `oneflow` CLI does (ONEFLOW_URL, default
 * http://localhost:2474; ONEFLOW_USER/ONEFLOW_PASSWORD, or a `user:password` string as in the
 * ONE_AUTH file), sends JSON with Basic auth, and turns every failure into one CloudError.
 * No retries: instantiate and scale are not idempotent.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CloudError, ConfigError } from "../errors.js";
import type { DocumentPool, ServiceBody, ServiceDocument, TemplateBody, TemplateDocument } from "./model.js";

export interface OneFlowCredentials {
  readonly url: string;
  readonly user: string;
  readonly password: string;
}

export interface OneFlowClientOptions {
  readonly fetch?: typeof fetch;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
}

export const DEFAULT_ONEFLOW_URL = "http://localhost:2474";

/** `user:password` (the password may contain colons), as in ONE_AUTH. */
export function parseAuth(text: string): { user: string; password: string } {
  const line = text.trim().split("\n")[0] ?? "";
  const colon = line.indexOf(":");
  if (colon <= 0)
    throw new ConfigError([
      {
        param: "ONE_AUTH",
        value: undefined,
        code: "oneflow_auth",
        message: "expected user:password",
        severity: "error",
      },
    ]);
  return { user: line.slice(0, colon), password: line.slice(colon + 1) };
}

function readAuthFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const message = `no ONEFLOW_USER/ONEFLOW_PASSWORD, and the auth file is unreadable: ${String(error)}`;
    throw new ConfigError([
      { param: "ONE_AUTH", value: path, code: "oneflow_auth", message, severity: "error" },
    ]);
  }
}

export class OneFlowClient {
  constructor(
    readonly credentials: OneFlowCredentials,
    private readonly options: OneFlowClientOptions = {},
  ) {}

  /** From the environment, or from `auth` (`user:password`) when given. */
  static fromEnvironment(
    env: Readonly<Record<string, string | undefined>> = process.env,
    options: OneFlowClientOptions & { readonly auth?: string } = {},
  ): OneFlowClient {
    const url = env.ONEFLOW_URL ?? DEFAULT_ONEFLOW_URL;
    let auth: { user: string; password: string };
    if (options.auth !== undefined) auth = parseAuth(options.auth);
    else if (env.ONEFLOW_USER !== undefined && env.ONEFLOW_PASSWORD !== undefined)
      auth = { user: env.ONEFLOW_USER, password: env.ONEFLOW_PASSWORD };
    else auth = parseAuth(readAuthFile(env.ONE_AUTH ?? join(homedir(), ".one", "one_auth")));
    return new OneFlowClient({ url, ...auth }, options);
  }

  async templates(): Promise<TemplateDocument[]> {
    const pool = await this.#call<DocumentPool<TemplateBody>>(
      "list service templates",
      "GET",
      "/service_template",
    );
    return (pool.DOCUMENT_POOL?.DOCUMENT ?? []).map((DOCUMENT) => ({ DOCUMENT }));
  }

  template(id: number): Promise<TemplateDocument> {
    return this.#call("show service template", "GET", `/service_template/${id}`);
  }

  createTemplate(template: unknown): Promise<TemplateDocument> {
    return this.#call("create service template", "POST", "/service_template", template);
  }

  async deleteTemplate(id: number): Promise<void> {
    await this.#do("delete service template", "DELETE", `/service_template/${id}`);
  }

  instantiate(templateId: number, mergeTemplate?: unknown): Promise<ServiceDocument> {
    const params = mergeTemplate === undefined ? {} : { merge_template: mergeTemplate };
    return this.#call("instantiate service template", "POST", `/service_template/${templateId}/action`, {
      action: { perform: "instantiate", params },
    });
  }

  async services(): Promise<ServiceDocument[]> {
    const pool = await this.#call<DocumentPool<ServiceBody>>("list services", "GET", "/service");
    return (pool.DOCUMENT_POOL?.DOCUMENT ?? []).map((DOCUMENT) => ({ DOCUMENT }));
  }

  service(id: number): Promise<ServiceDocument> {
    return this.#call("show service", "GET", `/service/${id}`);
  }

  async undeploy(id: number): Promise<void> {
    await this.#do("undeploy service", "DELETE", `/service/${id}`);
  }

  async scale(id: number, role: string, cardinality: number, force = false): Promise<void> {
    await this.#do("scale service", "POST", `/service/${id}/scale`, {
      role_name: role,
      cardinality,
      force,
    });
  }

  async recover(id: number, options: { readonly delete?: boolean } = {}): Promise<void> {
    const params = options.delete === true ? { delete: true } : {};
    await this.#do("recover service", "POST", `/service/${id}/action`, {
      action: { perform: "recover", params },
    });
  }

  /** The parsed JSON answer of a call that returns a document. */
  async #call<T>(operation: string, method: string, path: string, body?: unknown): Promise<T> {
    const { text, where, status } = await this.#send(operation, method, path, body);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new CloudError(operation, where, status, text, { cause: error });
    }
  }

  /** A call whose answer does not matter beyond its status (204 here, 200/201 elsewhere). */
  async #do(operation: string, method: string, path: string, body?: unknown): Promise<void> {
    await this.#send(operation, method, path, body);
  }

  async #send(operation: string, method: string, path: string, body?: unknown) {
    const url = `${this.credentials.url.replace(/\/+$/, "")}${path}`;
    const where = `${method} ${url}`;
    const { user, password } = this.credentials;
    const headers: Record<string, string> = {
      Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
      Accept: "application/json",
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    };
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new CloudError(operation, where, undefined, "", { cause: error });
    }
    const text = await response.text();
    if (!response.ok) throw new CloudError(operation, where, response.status, text);
    return { text, where, status: response.status };
  }
}
