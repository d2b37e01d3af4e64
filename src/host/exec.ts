/**
 * The Exec port: run a program on the host, capture its output, and fail with one rich
 * HostError (operation, command, exit code, output tail) instead of execa's own error, so
 * every caller reports a failed command the same way. Tests of decisions may pass a double.
 */
import { execa } from "execa";
import { HostError } from "../errors.js";

export interface ExecOptions {
  /** What the caller was doing, for the error message ("create bridge okb-1"). */
  readonly operation?: string;
  /** Written to the program's standard input. */
  readonly input?: string;
  /** Return a non-zero exit as a result instead of throwing (the caller decides). */
  readonly allowFailure?: boolean;
  /** Replaces the environment entirely when given (a VM must not inherit ours). */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** The program's working directory (default: ours). */
  readonly cwd?: string;
}

export interface ExecResult {
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Exec {
  run(file: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** A command line as a user could paste it into a shell. */
export function commandLine(file: string, args: readonly string[]): string {
  return [file, ...args].map(shellQuote).join(" ");
}

/** The real implementation, over execa. */
export const hostExec: Exec = {
  async run(file, args, options = {}) {
    const command = commandLine(file, args);
    const operation = options.operation ?? `run ${file}`;
    const result = await execa(file, [...args], {
      reject: false,
      all: true,
      stripFinalNewline: true,
      ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
      ...(options.env === undefined ? {} : { env: { ...options.env }, extendEnv: false }),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    const output = result.all ?? "";
    if (result.exitCode === undefined) {
      // The program did not run to an exit: not found, killed, or timed out.
      const why =
        "code" in result && result.code === "ENOENT"
          ? `${file} not found on PATH`
          : result.timedOut
            ? `timed out after ${options.timeoutMs} ms`
            : `killed by ${result.signal ?? "an error"}`;
      throw new HostError(operation, command, undefined, `${why}\n${output}`, { cause: result });
    }
    if (result.exitCode !== 0 && !options.allowFailure) {
      throw new HostError(operation, command, result.exitCode, output, { cause: result });
    }
    return { command, exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  },
};
