/**
 * Where a VM finds its OneGate credentials: the variables the context package exports in every
 * root shell (ONEGATE_ENDPOINT, VMID, and TOKENTXT, the token itself), or token.txt from the
 * context CD. Every missing or malformed one is reported at once.
 */
import { readFileSync } from "node:fs";
import { ConfigError, type ConfigIssue } from "../errors.js";
import type { Credentials } from "./client-http.js";

export function credentialsFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  tokenFile?: string,
): Credentials {
  const issues: ConfigIssue[] = [];
  const problem = (param: string, value: string | undefined, code: string, message: string) =>
    issues.push({ param, value, code, message, severity: "error" });

  const endpoint = env.ONEGATE_ENDPOINT ?? "";
  if (!/^https?:\/\/./.test(endpoint)) {
    problem(
      "ONEGATE_ENDPOINT",
      env.ONEGATE_ENDPOINT,
      "onegate_endpoint",
      "expected the OneGate URL, http://host:port",
    );
  }
  const vmId = env.VMID ?? "";
  if (!/^\d+$/.test(vmId)) problem("VMID", env.VMID, "onegate_vmid", "expected the VM's numeric id");

  let token = env.TOKENTXT?.trim() ?? "";
  if (token === "" && tokenFile !== undefined) {
    try {
      token = readFileSync(tokenFile, "utf8").trim();
    } catch (error) {
      problem("TOKENTXT", tokenFile, "onegate_token_file", `cannot read the token file: ${String(error)}`);
    }
  }
  if (token === "" && issues.every((i) => i.param !== "TOKENTXT")) {
    problem("TOKENTXT", env.TOKENTXT, "onegate_token", "expected the VM's OneGate token (token.txt)");
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { endpoint, vmId: Number(vmId), token };
}
