/**
 * A clock that moves only when told: `advance` fires every timer that falls due, in order, so a
 * 300 s cooldown or a 15 min deploy timeout is crossed in microseconds.
 */
import type { Clock, Timer } from "../../../src/flow/clock.js";

interface Pending {
  readonly at: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class FakeClock implements Clock {
  #now: number;
  #order = 0;
  readonly #pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const entry: Pending = { at: this.#now + Math.max(0, ms), order: this.#order++, fn, cancelled: false };
    this.#pending.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  }

  /** Timers still armed (not fired, not cancelled). */
  get armed(): number {
    return this.#pending.filter((p) => !p.cancelled).length;
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#pending
        .filter((p) => !p.cancelled && p.at <= end)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (due === undefined) break;
      due.cancelled = true;
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = end;
  }
}
