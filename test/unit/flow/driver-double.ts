/**
 * A VmDriver double for tests of the engine's decisions (the real namespace driver is tested on
 * its own): it records what it is asked, hands out a NIC per VM, and can be told to fail a
 * create or a destroy, or to report an agent's exit as the real driver does.
 */
import type { VmDriver, VmExit, VmHandle, VmSpec } from "../../../src/local/driver.js";

export class DriverDouble implements VmDriver {
  /** Every VM created and not yet destroyed, by id. */
  readonly running = new Map<number, VmSpec>();
  readonly created: VmSpec[] = [];
  readonly destroyed: number[] = [];
  readonly #listeners: ((exit: VmExit) => void)[] = [];
  /** Ids whose next create or destroy fails. */
  readonly failCreate = new Set<number>();
  readonly failDestroy = new Set<number>();

  async create(spec: VmSpec): Promise<VmHandle> {
    await Promise.resolve();
    if (this.failCreate.delete(spec.id)) throw new Error(`no room for VM ${spec.id}`);
    this.created.push(spec);
    this.running.set(spec.id, spec);
    const n = spec.id + 10;
    return {
      nic: {
        ip: `172.20.0.${n}`,
        mac: `02:00:ac:14:00:${n.toString(16).padStart(2, "0")}`,
        network: "service",
        name: "NIC0",
      },
      hostname: `onekube-${spec.id}`,
    };
  }

  async destroy(id: number): Promise<void> {
    await Promise.resolve();
    if (this.failDestroy.delete(id)) throw new Error(`VM ${id} is stuck`);
    this.destroyed.push(id);
    this.running.delete(id);
  }

  onExit(listener: (exit: VmExit) => void): void {
    this.#listeners.push(listener);
  }

  /** The agent of VM `id` stops on its own. */
  exit(id: number, code: number | null, logTail: string, signal: string | null = null): void {
    for (const listener of this.#listeners) listener({ id, code, signal, logTail });
  }
}
