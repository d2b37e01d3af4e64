import { readFile } from "node:fs/promises";
import { ConfigError, type ConfigIssue } from "../errors.js";
import { isParamName } from "./catalogue.js";
import { ContextSyntaxError, parseContext } from "./context.js";

export interface SourceOptions {
  /** A context.sh file; its values override the environment's. */
  readonly contextFile?: string | undefined;
  /** The process environment; only ONEAPP_* names are taken from it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--set K=V` pairs; they override everything. */
  readonly sets?: readonly string[];
}

/** Collects raw parameter strings: environment < context file < --set. */
export async function collectRawParams(options: SourceOptions): Promise<Record<string, string>> {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (k.startsWith("ONEAPP_") && v !== undefined) raw[k] = v;
  }
  if (options.contextFile) {
    let text: string;
    try {
      text = await readFile(options.contextFile, "utf8");
    } catch (e) {
      throw new ConfigError([
        issueOf(
          "--context",
          options.contextFile,
          "unreadable_context",
          `cannot read the file: ${(e as Error).message}`,
        ),
      ]);
    }
    try {
      Object.assign(raw, parseContext(text));
    } catch (e) {
      if (e instanceof ContextSyntaxError) {
        throw new ConfigError([issueOf("--context", options.contextFile, "context_syntax", e.message)]);
      }
      throw e;
    }
  }
  const issues: ConfigIssue[] = [];
  for (const pair of options.sets ?? []) {
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0) issues.push(issueOf("--set", pair, "invalid_set", "expected KEY=VALUE"));
    else if (!isParamName(name))
      issues.push(
        issueOf(
          name,
          pair.slice(eq + 1),
          "unknown_parameter",
          "not a parameter of this service (see `onekube params`)",
        ),
      );
    else raw[name] = pair.slice(eq + 1);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return raw;
}

function issueOf(param: string, value: string, code: string, message: string): ConfigIssue {
  return { param, value, code, message, severity: "error" };
}
