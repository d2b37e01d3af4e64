/**
 * What the engine's parts (deploy, scale, undeploy, recover, VM operations) share: the state,
 * the driver, named timers, settings, and hooks. `vmChanged` is how a VM's change of run state
 * (created, failed, agent exited) reaches the role logic without the VM module importing it.
 */
import type { VmDriver } from "../local/driver.js";
import type { Clock, Timer } from "./clock.js";
import type { Owner } from "./model.js";
import type { FlowState, FlowVm, StoredService } from "./state.js";
import type { VmTemplate } from "./vm-template.js";

/** A VM of a role as the scale-down picker sees it, oldest first. */
export interface ScaleDownCandidates {
  readonly serviceId: number;
  readonly role: string;
  readonly vms: readonly Readonly<FlowVm>[];
}

/** Chooses which `count` VMs a scale-down removes; may ask someone (e.g. the first master). */
export type ScaleDownPicker = (
  candidates: ScaleDownCandidates,
  count: number,
) => readonly number[] | Promise<readonly number[]>;

/** Upstream's rule: terminate from the front of `nodes`, the oldest VMs first (§3.10). */
export const oldestFirst: ScaleDownPicker = (candidates, count) =>
  candidates.vms.slice(0, count).map((vm) => vm.id);

export interface Settings {
  readonly deployTimeoutMs: number;
  /** Seconds; OneFlow's `default_cooldown`. */
  readonly defaultCooldown: number;
  readonly vmTemplate: (templateId: number) => VmTemplate | undefined;
  readonly user: (owner: Owner) => Readonly<Record<string, string>>;
  readonly onegateEndpoint: string | undefined;
  readonly token: (vm: { readonly id: number; readonly stime: number; readonly uid: number }) => string;
  readonly pickScaleDown: ScaleDownPicker;
  readonly log: (line: string) => void;
}

export class Timers {
  readonly #timers = new Map<string, Timer>();

  constructor(private readonly clock: Clock) {}

  set(key: string, ms: number, fn: () => void): void {
    this.cancel(key);
    this.#timers.set(
      key,
      this.clock.setTimer(ms, () => {
        this.#timers.delete(key);
        fn();
      }),
    );
  }

  cancel(key: string): void {
    this.#timers.get(key)?.cancel();
    this.#timers.delete(key);
  }

  /** Upstream cancels a service's pending work when it fails; so do we. */
  cancelService(serviceId: number): void {
    for (const key of [...this.#timers.keys()]) if (key.startsWith(`${serviceId}/`)) this.cancel(key);
  }

  cancelAll(): void {
    for (const key of [...this.#timers.keys()]) this.cancel(key);
  }
}

export const deadlineKey = (serviceId: number, role: string) => `${serviceId}/${role}/deadline`;
export const cooldownKey = (serviceId: number, role: string) => `${serviceId}/${role}/cooldown`;

export interface Ctx {
  readonly state: FlowState;
  readonly driver: VmDriver;
  readonly timers: Timers;
  readonly settings: Settings;
  /** Keeps a background operation visible to `idle()`; a rejection is logged, never lost. */
  track(work: Promise<unknown>): void;
  /** Tells listeners (the daemon persists the snapshot) that something changed. */
  changed(): void;
  /** A VM of `service` changed run state in a way that may move its role (gate, failure). */
  vmChanged(service: StoredService, vm: FlowVm): void;
}
