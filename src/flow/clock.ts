/**
 * Time as a port: the engine reads the time and arms timers (deploy timeouts, cooldowns) only
 * through this, so tests drive a fake clock instead of sleeping through a 300 s cooldown.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds, unless cancelled first. */
  setTimer(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    // Node caps timers at 2^31-1 ms (~24.8 days); a longer wait re-arms itself.
    const MAX = 2_147_483_647;
    let handle: NodeJS.Timeout;
    const arm = (left: number) => {
      handle = setTimeout(() => (left > MAX ? arm(left - MAX) : fn()), Math.min(left, MAX));
      // Timers must not keep a CLI process (or a test run) alive on their own.
      handle.unref();
    };
    arm(Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  },
};

export const seconds = (ms: number): number => Math.floor(ms / 1000);
