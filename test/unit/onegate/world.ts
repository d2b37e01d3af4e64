/**
 * A small cloud for OneGate tests: service 7 ("k8s", RUNNING) with roles master (VMs 10, 11)
 * and worker (VM 20); service 8 with VM 30; a lone VM 40 in no service. All owned by user 0,
 * whose TOKEN_PASSWORD is the reference's test-vector password.
 */
import type { VmRecord } from "../../../src/onegate/backend.js";
import { MemoryBackend } from "../../../src/onegate/memory-backend.js";
import { createOneGateApp, type OneGateApp, type OneGateOptions } from "../../../src/onegate/server.js";

export const TOKEN_PASSWORD = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
export const JSON_TYPE = "application/json;charset=utf-8";

export function vm(
  id: number,
  userTemplate: VmRecord["userTemplate"],
  extra: Partial<VmRecord> = {},
): VmRecord {
  return {
    id,
    name: `vm_${id}`,
    stime: 1_700_000_000 + id,
    uid: 0,
    gid: 0,
    uname: "oneadmin",
    gname: "oneadmin",
    state: 3,
    lcmState: 3,
    userTemplate,
    nics: [
      {
        IP: `172.20.0.${id}`,
        MAC: `02:00:ac:14:00:${id.toString(16).padStart(2, "0")}`,
        NAME: "_NIC0",
        NETWORK: "service",
        NETWORK_ID: "0",
        NIC_ID: "0",
        SECURITY_GROUPS: "0",
      },
    ],
    ...extra,
  };
}

const member = (sid: number, role: string) => ({ SERVICE_ID: String(sid), ROLE_NAME: role });

export function world(options: OneGateOptions = {}) {
  const backend = new MemoryBackend();
  backend.setTokenPassword(0, TOKEN_PASSWORD);
  backend.putVm(vm(10, { ...member(7, "master"), READY: "YES" }, { name: "master_0_(service_7)" }));
  backend.putVm(vm(11, member(7, "master"), { name: "master_1_(service_7)" }));
  backend.putVm(vm(20, member(7, "worker"), { name: "worker_0_(service_7)" }));
  backend.putVm(vm(30, member(8, "solo")));
  backend.putVm(vm(40, {}));
  backend.putService({
    id: 7,
    name: "k8s",
    state: 2,
    roles: [
      { name: "master", cardinality: 2, state: 2, nodes: [{ deployId: 10 }, { deployId: 11 }] },
      { name: "worker", cardinality: 1, state: 2, nodes: [{ deployId: 20 }] },
    ],
  });
  backend.putService({
    id: 8,
    name: "other",
    state: 2,
    roles: [{ name: "solo", cardinality: 1, state: 2, nodes: [{ deployId: 30 }] }],
  });
  const logged: string[] = [];
  const app = createOneGateApp(backend, { log: (line) => logged.push(line), ...options });
  return { backend, app, logged, call: caller(app, backend) };
}

export interface CallInit {
  readonly body?: string;
  readonly contentType?: string;
  /** A GET body, as the Node adapter hands it over. */
  readonly getBody?: string;
  readonly headers?: Record<string, string>;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly contentType: string | null;
  json(): unknown;
}

/** Calls the app in-process as VM `as` (its own token), or without headers when `as` is undefined. */
function caller(app: OneGateApp, backend: MemoryBackend) {
  return async (
    as: number | undefined,
    method: string,
    path: string,
    init: CallInit = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (as !== undefined) {
      headers["X-ONEGATE-TOKEN"] = backend.tokenFor(as);
      headers["X-ONEGATE-VMID"] = String(as);
    }
    if (init.contentType !== undefined) headers["Content-Type"] = init.contentType;
    const request = new Request(`http://onegate.test:5030${path}`, {
      method,
      headers: { ...headers, ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const response = await app.fetch(request, init.getBody === undefined ? {} : { getBody: init.getBody });
    const body = await response.text();
    return {
      status: response.status,
      body,
      contentType: response.headers.get("content-type"),
      json: () => JSON.parse(body),
    };
  };
}

export const form = "application/x-www-form-urlencoded";
