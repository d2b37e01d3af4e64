import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { parseContext } from "../params/context.js";

/**
 * Where a VM finds its context: the copy `onekube contextualize` keeps, then where OpenNebula's
 * contextualization package leaves it (the local cloud bind-mounts the same files at /mnt/context).
 */
export const CONTEXT_DIRS = [
  "/run/onekube/context",
  "/mnt/context",
  "/run/one-context",
  "/var/run/one-context",
] as const;

export interface VmContext {
  readonly dir: string;
  /** Every variable of context.sh. */
  readonly vars: Readonly<Record<string, string>>;
  /** What OneGateClient.fromEnvironment reads: ONEGATE_ENDPOINT, VMID, TOKENTXT. */
  readonly onegateEnv: Readonly<Record<string, string | undefined>>;
}

export function findContextDir(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const candidates = explicit
    ? [explicit]
    : env.ONEKUBE_CONTEXT_DIR
      ? [env.ONEKUBE_CONTEXT_DIR]
      : CONTEXT_DIRS;
  const found = candidates.find((d) => existsSync(join(d, "context.sh")));
  if (!found) {
    throw new ConfigError([
      {
        param: "--context-dir",
        value: candidates.join(", "),
        code: "no_context",
        message: "no context.sh found there; is this an OpenNebula VM with contextualization?",
        severity: "error",
      },
    ]);
  }
  return found;
}

/** Reads context.sh and token.txt as the context package would (TOKENTXT from the env wins). */
export function readVmContext(dir: string, env: Readonly<Record<string, string | undefined>>): VmContext {
  const vars = parseContext(readFileSync(join(dir, "context.sh"), "utf8"));
  const tokenFile = join(dir, "token.txt");
  const token =
    env.TOKENTXT ??
    vars.ONEGATE_TOKEN ??
    (existsSync(tokenFile) ? readFileSync(tokenFile, "utf8").trim() : undefined);
  return {
    dir,
    vars,
    onegateEnv: {
      ONEGATE_ENDPOINT: env.ONEGATE_ENDPOINT ?? vars.ONEGATE_ENDPOINT,
      VMID: env.VMID ?? vars.VMID,
      TOKENTXT: token,
    },
  };
}
