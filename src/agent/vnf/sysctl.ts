/**
 * Kernel parameters through `sysctl`, which acts on the network namespace it runs in (the VM's).
 * Observe every key, and if any differs write them all, in order: some writes reset others
 * (`net.ipv4.ip_forward` copies its value to every interface), so a partial write is not enough.
 */
import type { Exec } from "../../host/exec.js";
import type { Sysctl } from "../../render/vnf-router4.js";
import type { Outcome } from "./nft.js";

/** Current values, in the order of `keys`; a missing key (absent interface) throws HostError. */
export async function readSysctls(exec: Exec, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const r = await exec.run("sysctl", ["-n", ...keys], { operation: `read ${keys.join(" ")}` });
  const values = r.stdout.split("\n").map((v) => v.trim());
  if (values.length !== keys.length) {
    throw new Error(`sysctl -n printed ${values.length} values for ${keys.length} keys: ${r.stdout}`);
  }
  return values;
}

export async function applySysctls(exec: Exec, sysctls: readonly Sysctl[]): Promise<Outcome> {
  const keys = sysctls.map((s) => s.key);
  const differs = (values: readonly string[]) => sysctls.some((s, i) => values[i] !== s.value);
  if (!differs(await readSysctls(exec, keys))) return "unchanged";
  const operation = "write IPv4 forwarding sysctls";
  await exec.run("sysctl", ["-q", "-w", ...sysctls.map((s) => `${s.key}=${s.value}`)], { operation });
  const after = await readSysctls(exec, keys);
  if (differs(after)) {
    const got = sysctls.map((s, i) => `${s.key}=${after[i]} (wanted ${s.value})`).join(", ");
    throw new Error(`${operation}: the kernel kept other values: ${got}`);
  }
  return "changed";
}
