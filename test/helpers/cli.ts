import { join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "./golden.js";

export const ONEKUBE = join(REPO_ROOT, "bin", "onekube.js");

/** Runs the built `onekube` as a user would, with a clean environment. */
export async function onekube(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 5 * 60_000,
) {
  const result = await execa("node", [ONEKUBE, ...args], {
    reject: false,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    extendEnv: false,
    // A hung command must fail the test, not hang the suite.
    timeout: timeoutMs,
  });
  return { code: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}
