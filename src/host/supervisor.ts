import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface SuperviseOptions {
  /** Append the program's output here instead of the agent's own (chatty programs: kubelet). */
  readonly logFile?: string;
  /** Written with the program's pid at each start, so a later agent can end one left behind. */
  readonly pidFile?: string;
}

interface Child {
  readonly argv: readonly string[];
  readonly options: SuperviseOptions;
  process?: ChildProcess;
  stopping: boolean;
  restarts: number;
  timer?: NodeJS.Timeout;
}

/**
 * Keeps a VM's long-running programs (keepalived, haproxy, ...) up, as systemd's
 * `Restart=always` would: no systemd runs inside a local VM, and the agent is the VM's
 * supervisor. A program that exits is started again after a short, growing delay.
 */
export class Supervisor {
  readonly #children = new Map<string, Child>();

  constructor(private readonly log: (line: string) => void) {}

  /** Starts `name` unless it already runs with the same argv. */
  start(name: string, argv: readonly string[], options: SuperviseOptions = {}): void {
    const current = this.#children.get(name);
    if (current && !current.stopping && current.argv.join("\0") === argv.join("\0")) return;
    if (current) this.stop(name);
    const child: Child = { argv, options, stopping: false, restarts: 0 };
    this.#children.set(name, child);
    this.#spawn(name, child);
  }

  #spawn(name: string, child: Child): void {
    const [file = "", ...args] = child.argv;
    let out: number | "inherit" = "inherit";
    if (child.options.logFile) {
      mkdirSync(dirname(child.options.logFile), { recursive: true });
      out = openSync(child.options.logFile, "a", 0o600);
    }
    const proc = spawn(file, args, { stdio: ["ignore", out, out] });
    if (typeof out === "number") closeSync(out);
    if (child.options.pidFile && proc.pid !== undefined) {
      mkdirSync(dirname(child.options.pidFile), { recursive: true });
      writeFileSync(child.options.pidFile, `${proc.pid}\n`);
    }
    child.process = proc;
    this.log(`[supervisor] started ${name} (pid ${proc.pid})`);
    let ended = false;
    // A program that cannot start (ENOENT) reports `error` and no `exit`: both count as an end.
    const onEnd = (why: string) => {
      if (ended || child.stopping) return;
      ended = true;
      child.restarts++;
      const delay = Math.min(1000 * child.restarts, 10_000);
      this.log(`[supervisor] ${name} ${why}; restarting in ${delay} ms`);
      child.timer = setTimeout(() => this.#spawn(name, child), delay);
    };
    proc.on("error", (error) => onEnd(`failed: ${error.message}`));
    proc.on("exit", (code, signal) => onEnd(`exited (${signal ?? `code ${code}`})`));
  }

  pid(name: string): number | undefined {
    const p = this.#children.get(name)?.process;
    return p && p.exitCode === null && p.signalCode === null ? p.pid : undefined;
  }

  /** Sends a signal (e.g. a reload) to a running program; false when it does not run. */
  signal(name: string, signal: NodeJS.Signals): boolean {
    const pid = this.pid(name);
    if (pid === undefined) return false;
    process.kill(pid, signal);
    return true;
  }

  stop(name: string): void {
    const child = this.#children.get(name);
    if (!child) return;
    child.stopping = true;
    clearTimeout(child.timer);
    child.process?.kill("SIGTERM");
    this.#children.delete(name);
  }

  stopAll(): void {
    for (const name of [...this.#children.keys()]) this.stop(name);
  }
}
