/**
 * OneFlow's and OpenNebula's state numbers (reference §3.6 and §1.4). The numbers travel on the
 * wire (service and role `state` are integers in OneFlow's documents; a VM's STATE/LCM_STATE are
 * strings in OneGate's), so they are kept as upstream numbers them and named only for people.
 */

/** Service states, in upstream order: the index is the number. */
export const SERVICE_STATE_NAMES = [
  "PENDING",
  "DEPLOYING",
  "RUNNING",
  "UNDEPLOYING",
  "WARNING",
  "DONE",
  "FAILED_UNDEPLOYING",
  "FAILED_DEPLOYING",
  "SCALING",
  "FAILED_SCALING",
  "COOLDOWN",
  "DEPLOYING_NETS",
  "UNDEPLOYING_NETS",
  "FAILED_DEPLOYING_NETS",
  "FAILED_UNDEPLOYING_NETS",
  "HOLD",
] as const;
export type ServiceStateName = (typeof SERVICE_STATE_NAMES)[number];

/** Role states: the same names up to COOLDOWN, then HOLD is 11 (not the service's 15). */
export const ROLE_STATE_NAMES = [
  "PENDING",
  "DEPLOYING",
  "RUNNING",
  "UNDEPLOYING",
  "WARNING",
  "DONE",
  "FAILED_UNDEPLOYING",
  "FAILED_DEPLOYING",
  "SCALING",
  "FAILED_SCALING",
  "COOLDOWN",
  "HOLD",
] as const;
export type RoleStateName = (typeof ROLE_STATE_NAMES)[number];

function numbered<N extends string>(names: readonly N[]): { readonly [K in N]: number } {
  return Object.fromEntries(names.map((name, i) => [name, i])) as { [K in N]: number };
}

export const ServiceState = numbered(SERVICE_STATE_NAMES);
export const RoleState = numbered(ROLE_STATE_NAMES);

export const serviceStateName = (state: number): string => SERVICE_STATE_NAMES[state] ?? String(state);
export const roleStateName = (state: number): string => ROLE_STATE_NAMES[state] ?? String(state);

/** Upstream's TRANSIENT_STATES and FAILED_STATES decide what `undeploy` accepts. */
const TRANSIENT: ReadonlySet<number> = new Set(
  (["DEPLOYING", "UNDEPLOYING", "SCALING", "COOLDOWN", "DEPLOYING_NETS", "UNDEPLOYING_NETS"] as const).map(
    (n) => ServiceState[n],
  ),
);
const FAILED: ReadonlySet<number> = new Set(
  (
    [
      "FAILED_DEPLOYING",
      "FAILED_UNDEPLOYING",
      "FAILED_SCALING",
      "FAILED_DEPLOYING_NETS",
      "FAILED_UNDEPLOYING_NETS",
    ] as const
  ).map((n) => ServiceState[n]),
);

/** Upstream `Service#can_undeploy?`. */
export function canUndeploy(state: number): boolean {
  if (TRANSIENT.has(state) && state !== ServiceState.UNDEPLOYING) return false;
  return state !== ServiceState.DONE && !FAILED.has(state);
}

/** The VM states a service VM shows (OpenNebula's VirtualMachine::STATE). */
export const VmState = {
  INIT: 0,
  PENDING: 1,
  HOLD: 2,
  ACTIVE: 3,
  STOPPED: 4,
  SUSPENDED: 5,
  DONE: 6,
  POWEROFF: 8,
  UNDEPLOYED: 9,
} as const;

/** The LCM states the engine uses; the failure ones are a subset of OneFlow's failure set. */
export const LcmState = {
  LCM_INIT: 0,
  PROLOG: 1,
  BOOT: 2,
  RUNNING: 3,
  SHUTDOWN: 12,
  UNKNOWN: 16,
  BOOT_FAILURE: 36,
  PROLOG_FAILURE: 39,
} as const;

/** Every `*_FAILURE` LCM state (OneFlow's `Role.vm_failure?`): 36–42, 44, 46–50, 61. */
const FAILURE_LCM: ReadonlySet<number> = new Set([36, 37, 38, 39, 40, 41, 42, 44, 46, 47, 48, 49, 50, 61]);

export const isFailure = (state: number, lcmState: number): boolean =>
  state === VmState.ACTIVE && FAILURE_LCM.has(lcmState);

/** VM states that pass the ready gate whatever READY says (reference §3.8). */
const GATE_PASSING_STATES: ReadonlySet<number> = new Set([
  VmState.DONE,
  VmState.STOPPED,
  VmState.SUSPENDED,
  VmState.POWEROFF,
  VmState.UNDEPLOYED,
]);

export const passesByState = (state: number): boolean => GATE_PASSING_STATES.has(state);
