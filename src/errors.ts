/**
 * The small family of errors onekube raises. Each carries what a user needs to act on it;
 * `src/cli/exit.ts` is the only place that turns them into exit codes and text.
 */

/** One problem with one parameter: stable code, the parameter, the value given, what was expected. */
export interface ConfigIssue {
  readonly code: string;
  readonly param: string;
  readonly value: string | undefined;
  readonly message: string;
  readonly severity: "error" | "warning";
}

export function formatIssue(issue: ConfigIssue): string {
  const value = issue.value === undefined ? "(not set)" : JSON.stringify(issue.value);
  return `${issue.severity}: ${issue.param}=${value}: ${issue.message} [${issue.code}]`;
}

/** Bad parameters: every issue of one input, reported together. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly issues: readonly ConfigIssue[]) {
    const errors = issues.filter((i) => i.severity === "error");
    super(
      `${errors.length} invalid parameter${errors.length === 1 ? "" : "s"}:\n${errors.map(formatIssue).join("\n")}`,
    );
  }
}

/** A command on the host failed. */
export class HostError extends Error {
  override readonly name = "HostError";
  constructor(
    readonly operation: string,
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly output: string,
    options?: { cause?: unknown },
  ) {
    const tail = output.trim().split("\n").slice(-10).join("\n");
    super(
      `${operation}: \`${command}\` failed${exitCode === undefined ? "" : ` with exit code ${exitCode}`}${tail ? `:\n${tail}` : ""}`,
      options,
    );
  }
}

/** OneGate or OneFlow answered with an error, or could not be reached. */
export class CloudError extends Error {
  override readonly name = "CloudError";
  constructor(
    readonly operation: string,
    readonly endpoint: string,
    readonly status: number | undefined,
    readonly body: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${operation}: ${endpoint} answered ${status ?? "nothing"}${body ? `: ${body.trim()}` : ""}`,
      options,
    );
  }
}

/** The user asked for something that cannot be done as asked (bad flag, unknown role, ...). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
