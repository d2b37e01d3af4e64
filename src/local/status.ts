import { FAILURE_KEYS } from "../agent/failure-keys.js";
import type { FlowSnapshot } from "../flow/state.js";
import { isFailure, roleStateName, serviceStateName, VmState } from "../flow/states.js";
import { ADDONS_KEY, type AddonStatus, decodeAddons } from "../k8s/addon-status.js";
import { decodeValue } from "../onegate/values.js";

export interface VmView {
  readonly id: number;
  readonly name: string;
  readonly ip: string | undefined;
  readonly state: string;
  readonly ready: boolean;
  /** Why it failed: the agent's published error, else the engine's reason. */
  readonly error: string | undefined;
  readonly createdAt: number | undefined;
  readonly readyAt: number | undefined;
  /** What the role publishes about itself, e.g. a VNF's load balancer and VRRP state. */
  readonly notes: string;
  /** The add-ons this VM applied (the first master), as it published them. */
  readonly addons: readonly AddonStatus[];
}

export interface RoleView {
  readonly name: string;
  readonly state: string;
  readonly cardinality: number;
  readonly vms: readonly VmView[];
  /** Each state the role passed through, with the time (ms since the epoch). */
  readonly history: readonly { readonly state: string; readonly at: number }[];
}

export interface ServiceView {
  readonly id: number;
  readonly name: string;
  readonly state: string;
  readonly roles: readonly RoleView[];
  /** The last log lines of the service (OneFlow's log), newest last. */
  readonly log: readonly string[];
}

/** Published by the agents: the VNF's load balancer (lvs|haproxy) and VRRP state (MASTER|BACKUP). */
const NOTE_KEYS = ["ONEKUBE_VNF_LB", "ONEKUBE_VRRP_STATE"] as const;

const VM_STATE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(VmState).map(([k, v]) => [v, k]),
);

function vmStateName(state: number, lcm: number): string {
  if (isFailure(state, lcm)) return "FAILURE";
  if (state === VmState.ACTIVE) return lcm === 3 ? "RUNNING" : "BOOT";
  return VM_STATE_NAMES[state] ?? String(state);
}

/** A node leaving the cluster in a scale-down: the step it is at (published by it or the control plane). */
function leaveNote(userTemplate: Readonly<Record<string, unknown>>): string | undefined {
  const left = userTemplate.ONEKUBE_LEFT;
  if (typeof left === "string") return `left the cluster: ${left}`;
  const leaving = userTemplate.ONEKUBE_LEAVING;
  if (typeof leaving !== "string") return undefined;
  const step = userTemplate.ONEKUBE_LEAVE_STEP;
  return `leaving the cluster: ${typeof step === "string" ? step : leaving === "YES" ? "asked the control plane" : leaving}`;
}

function agentError(userTemplate: Readonly<Record<string, unknown>>): string | undefined {
  const encoded = userTemplate[FAILURE_KEYS.error];
  if (typeof encoded !== "string") return undefined;
  try {
    return `${String(userTemplate[FAILURE_KEYS.phase] ?? "agent")}: ${decodeValue(encoded)}`;
  } catch {
    return encoded;
  }
}

/** What `onekube status` shows, from the daemon's snapshot: roles, VMs, states, IPs, errors. */
/** The VM that published the add-ons' state (the master that applied them), if one did. */
export const addonsHolder = (view: ServiceView | undefined): VmView | undefined =>
  view?.roles.flatMap((r) => r.vms).find((vm) => vm.addons.length > 0);

export function serviceViews(snapshot: FlowSnapshot): ServiceView[] {
  const vms = new Map(snapshot.vms.map((vm) => [vm.id, vm]));
  return snapshot.services.map((service) => ({
    id: service.id,
    name: service.body.name,
    state: serviceStateName(service.body.state),
    log: service.body.log
      .slice(-10)
      .map((l) => `${new Date(l.timestamp * 1000).toISOString()} [${l.severity}] ${l.message}`),
    roles: service.body.roles.map((role) => ({
      name: role.name,
      state: roleStateName(role.state),
      cardinality: role.cardinality,
      history: (service.runtime[role.name]?.history ?? []).map((t) => ({ state: t.state, at: t.at })),
      vms: role.nodes.flatMap((node) => {
        const vm = vms.get(node.deploy_id);
        if (!vm) return [];
        const ready = String(vm.userTemplate.READY ?? "").trim() === "YES";
        return [
          {
            id: vm.id,
            name: vm.name,
            ip: vm.nics[0]?.IP,
            state: vmStateName(vm.state, vm.lcmState),
            ready,
            error: agentError(vm.userTemplate) ?? vm.error,
            createdAt: vm.history[0]?.at,
            readyAt: vm.history.find((h) => h.state === "READY")?.at,
            addons: decodeAddons(vm.userTemplate[ADDONS_KEY]) ?? [],
            notes: [...NOTE_KEYS.map((k) => vm.userTemplate[k]), leaveNote(vm.userTemplate)]
              .filter((v): v is string => typeof v === "string")
              .join(" "),
          },
        ];
      }),
    })),
  }));
}
