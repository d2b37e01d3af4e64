import { CommanderError } from "commander";
import { CloudError, ConfigError, formatIssue, HostError, UsageError } from "../errors.js";

/** The one place where errors become exit codes and text. */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 3, host: 4, cloud: 5 } as const;

export function reportError(error: unknown, write: (text: string) => void): number {
  if (error instanceof ConfigError) {
    for (const issue of error.issues) write(`${formatIssue(issue)}\n`);
    const count = error.issues.filter((i) => i.severity === "error").length;
    write(`onekube: ${count} invalid parameter${count === 1 ? "" : "s"}\n`);
    return EXIT.config;
  }
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError) {
    write(`onekube: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof HostError) {
    write(`onekube: ${error.message}\n`);
    return EXIT.host;
  }
  if (error instanceof CloudError) {
    write(`onekube: ${error.message}\n`);
    return EXIT.cloud;
  }
  write(`onekube: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failure;
}
