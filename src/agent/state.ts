import type { Supervisor } from "../host/supervisor.js";
import type { HostFacts, NodePlatform } from "../node/platform.js";
import type { OneGateClient } from "../onegate/client.js";
import type { OneGateVm } from "../onegate/client-values.js";
import type { Role, ServiceConfig } from "../params/types.js";
import type { VmContext } from "./context.js";
import type { VnfSetup } from "./vnf/converge.js";

/** What every phase of every role can read; filled in as the phases go. */
export interface AgentContext {
  readonly vm: VmContext;
  readonly onegate: OneGateClient;
  readonly log: (line: string) => void;
  /** Keeps the VM's long-running programs up (the agent is the VM's supervisor). */
  readonly supervisor: Supervisor;
  self?: OneGateVm;
  role?: Role;
  serviceId?: number;
  address?: string;
  config?: ServiceConfig;
  vnf?: VnfSetup;
  /** What the machine says about itself (local cloud quirks; nothing on a real VM). */
  platform?: NodePlatform;
  facts?: HostFacts;
  /** How this node enters the cluster, decided once by the k8s-plan phase. */
  k8s?: { readonly mode: "init" | "join"; readonly controlPlane: boolean };
}

export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not known yet (a phase before this one must set it)`);
  return value;
}
