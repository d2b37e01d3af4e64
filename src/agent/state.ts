import type { OneGateClient } from "../onegate/client.js";
import type { OneGateVm } from "../onegate/client-values.js";
import type { Role, ServiceConfig } from "../params/types.js";
import type { VmContext } from "./context.js";

/** What every phase of every role can read; filled in as the phases go. */
export interface AgentContext {
  readonly vm: VmContext;
  readonly onegate: OneGateClient;
  readonly log: (line: string) => void;
  self?: OneGateVm;
  role?: Role;
  serviceId?: number;
  address?: string;
  config?: ServiceConfig;
}

export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not known yet (a phase before this one must set it)`);
  return value;
}
