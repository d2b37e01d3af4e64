/**
 * The agent's OneGate client: what `onegate vm show`, `vm update`, `service show` and `service
 * scale` do, with typed answers. It sends what the current upstream CLI sends (a form body
 * `data=...&type=1|2` for updates) so that it behaves the same against a real OneGate and the
 * embedded one, and it refuses before sending any value real OneGate would corrupt.
 */
import { CloudError, UsageError } from "../errors.js";
import { credentialsFromEnvironment } from "./client-env.js";
import { type Call, type Credentials, type RetryOptions, send } from "./client-http.js";
import { type OneGateService, type OneGateVm, toService, toVm } from "./client-values.js";
import { valueProblem, valueRefusal } from "./values.js";

export interface EnvironmentOptions extends RetryOptions {
  /** Read the token from this file (token.txt) when TOKENTXT is not set. */
  readonly tokenFile?: string;
}

/** Names as OpenNebula stores them: the template parser upper-cases whatever is sent. */
const STORED_NAME = /^[A-Z0-9_]+$/;

export class OneGateClient {
  constructor(
    readonly credentials: Credentials,
    private readonly options: RetryOptions = {},
  ) {}

  /** From the variables the context package exports: ONEGATE_ENDPOINT, VMID, TOKENTXT. */
  static fromEnvironment(
    env: Readonly<Record<string, string | undefined>> = process.env,
    options: EnvironmentOptions = {},
  ): OneGateClient {
    return new OneGateClient(credentialsFromEnvironment(env, options.tokenFile), options);
  }

  /** GET /vm: this VM. */
  async vm(): Promise<OneGateVm> {
    return this.#vm("onegate vm show", "/vm");
  }

  /** GET /vms/:id: a VM of this VM's service, e.g. to read what a peer published. */
  async vmById(id: number): Promise<OneGateVm> {
    return this.#vm(`onegate vm show ${id}`, `/vms/${id}`);
  }

  /** GET /service; `extended` gives each node's whole VM document. */
  async service(options: { readonly extended?: boolean } = {}): Promise<OneGateService> {
    // fetch cannot send a GET body as the CLI does; OneGate reads the query string as well.
    const call: Call = {
      operation: "onegate service show",
      method: "GET",
      path: options.extended ? "/service?extended=true" : "/service",
    };
    return toService(await send(this.credentials, this.options, call), this.#invalid(call));
  }

  /** Publishes attributes on this VM (or, with `vmId`, on another VM of the service). */
  async update(
    attrs: Readonly<Record<string, string>>,
    target: { readonly vmId?: number } = {},
  ): Promise<void> {
    const lines = Object.entries(attrs).map(([name, value]) => {
      if (!STORED_NAME.test(name))
        throw new UsageError(`attribute name ${JSON.stringify(name)}: use A-Z, 0-9 and _`);
      const problem = valueProblem(value);
      if (problem !== undefined) throw new UsageError(valueRefusal(name, problem));
      return `${name}=${value}`;
    });
    if (lines.length === 0) return;
    await this.#put(`onegate vm update`, target.vmId, lines.join("\n"), 1);
  }

  /** Removes one attribute (500 `attribute not found` from OneGate when there is none). */
  async erase(name: string, target: { readonly vmId?: number } = {}): Promise<void> {
    await this.#put(`onegate vm update --erase ${name}`, target.vmId, name, 2);
  }

  /** PUT /service/role/:role: asks OneFlow to scale a role of this VM's service. */
  async scale(role: string, cardinality: number): Promise<void> {
    await send(this.credentials, this.options, {
      operation: `onegate service scale --role ${role} --cardinality ${cardinality}`,
      method: "PUT",
      path: `/service/role/${encodeURIComponent(role)}`,
      body: { contentType: "application/json", text: JSON.stringify({ cardinality }) },
    });
  }

  async #vm(operation: string, path: string): Promise<OneGateVm> {
    const call: Call = { operation, method: "GET", path };
    return toVm(await send(this.credentials, this.options, call), this.#invalid(call));
  }

  async #put(operation: string, vmId: number | undefined, data: string, type: 1 | 2): Promise<void> {
    const text = new URLSearchParams({ data, type: String(type) }).toString();
    await send(this.credentials, this.options, {
      operation,
      method: "PUT",
      path: vmId === undefined ? "/vm" : `/vms/${vmId}`,
      body: { contentType: "application/x-www-form-urlencoded", text },
    });
  }

  #invalid(call: Call) {
    return (detail: string) =>
      new CloudError(
        call.operation,
        `${call.method} ${this.credentials.endpoint}${call.path}`,
        200,
        `unexpected answer: ${detail}`,
      );
  }
}
