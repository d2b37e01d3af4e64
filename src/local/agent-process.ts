/**
 * Starting and watching a VM's "init" (the script of vm-init.ts) and, through it, the agent.
 * The init leads its own process group (so it outlives a creator that dies, and cleanup can
 * still find it), the agent's stdout and stderr go to the VM's agent.log, and file descriptor
 * 3 carries two lines back: `ready` once the VM's mounts are in place (only then is the init's
 * pid a handle on the VM for `nsenter -t PID -m`), and `exit N` when the agent ends.
 */
import { spawn } from "node:child_process";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { constants } from "node:os";
import { HostError } from "../errors.js";
import { commandLine } from "../host/exec.js";

const READY_TIMEOUT_MS = 30_000;

export interface AgentExit {
  readonly code: number | null;
  readonly signal: string | null;
}

export interface RunningVm {
  /** The VM's init: holds its namespaces until the VM is destroyed. */
  readonly pid: number;
  /** Settles when the agent ends (or the init itself is killed), however it ends. */
  readonly agentExited: Promise<AgentExit>;
}

/** The last lines of a log, read from its end (agent logs can grow large). */
export function logTail(file: string, lines = 20, bytes = 8192): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString("utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A shell's status: 128+N means "killed by signal N", reported as a process exit would be. */
export function fromShellStatus(status: number): AgentExit {
  const name = Object.entries(constants.signals).find(([, n]) => n === status - 128)?.[0];
  return status > 128 && name ? { code: null, signal: name } : { code: status, signal: null };
}

export async function startVmProcess(input: {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly operation: string;
}): Promise<RunningVm> {
  const [file = "", ...args] = input.argv;
  const log = openSync(input.logFile, "a", 0o600);
  // node's spawn rather than execa: the log must be the child's own file descriptor, never a
  // pipe through us, or the VM would get SIGPIPE when its creator dies.
  const child = spawn(file, args, {
    detached: true,
    env: { ...input.env },
    stdio: ["ignore", log, log, "pipe"],
  });
  closeSync(log); // the child holds its own copy
  const initExited = new Promise<AgentExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", () => resolve({ code: null, signal: null }));
  });
  let seen = "";
  let onReady: (ok: boolean) => void = () => {};
  let onAgentExit: (exit: AgentExit) => void = () => {};
  const ready = new Promise<boolean>((resolve) => {
    onReady = resolve;
  });
  const agentExited = new Promise<AgentExit>((resolve) => {
    onAgentExit = resolve;
  });
  const fd3 = child.stdio[3];
  fd3?.on("data", (chunk: Buffer) => {
    seen += chunk.toString();
    if (seen.includes("ready\n")) onReady(true);
    const status = /^exit (\d+)$/m.exec(seen);
    if (status) onAgentExit(fromShellStatus(Number(status[1])));
  });
  // Decided on the pipe's close, not on the exit event, which may come before the last line is read.
  fd3?.on("close", () => {
    onReady(seen.includes("ready\n"));
    void initExited.then(onAgentExit);
  });
  child.once("error", () => onReady(false));
  // A mount that hangs would leave create() waiting for ever; the steps take milliseconds.
  setTimeout(() => onReady(false), READY_TIMEOUT_MS).unref();

  if (!(await ready) || child.pid === undefined) {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // ended already
      }
    }
    const exit = await initExited;
    throw new HostError(
      input.operation,
      commandLine(file, args.slice(0, 4)),
      exit.code ?? undefined,
      `the VM ended before it was set up (${exit.signal ?? `exit ${exit.code}`}):\n${logTail(input.logFile)}`,
    );
  }
  return { pid: child.pid, agentExited };
}
