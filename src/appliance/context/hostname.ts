/**
 * The VM's name: SET_HOSTNAME if the context sets it (sanitised as OpenNebula's package does,
 * short name only), else `onekube-ip-A-B-C-D` from its first address, the node name the agent
 * gives Kubernetes (appliance-image.md §6.4: a cloned image must never keep one name for all).
 */
import { existsSync, readFileSync } from "node:fs";
import { writeIfChanged } from "../../host/files.js";
import { nodeName } from "../../render/names.js";
import { at, nicIndices, type Step } from "./step.js";

export const HOSTS_TAG = "# onekube";
const DEFAULT_HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

/** The VM's first IPv4 address: ETH0_IP, as the agent reads it, else the lowest ETH<n>_IP. */
export function firstAddress(vars: Readonly<Record<string, string>>): string | undefined {
  const ips = [0, ...nicIndices(vars)].map((n) => vars[`ETH${n}_IP`]?.trim() ?? "");
  return ips.find((ip) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip));
}

export function hostnameOf(vars: Readonly<Record<string, string>>): string | undefined {
  const wanted = (vars.SET_HOSTNAME ?? "")
    .replace(/[^-a-zA-Z0-9.]/g, "")
    .split(".")[0]
    ?.slice(0, 63);
  if (wanted) return wanted;
  const ip = firstAddress(vars);
  return ip ? nodeName(ip) : undefined;
}

/** /etc/hosts with one line tagged `tag` (name → address) in place of any earlier one. */
export function hostsWith(
  current: string | undefined,
  name: string,
  ip: string | undefined,
  tag: string = HOSTS_TAG,
): string {
  const line = `${ip}\t${name} ${tag}`;
  const tagged = (current ?? "").split("\n").filter((l) => l.trimEnd().endsWith(tag));
  // already right: left where it is (another tagged line after it stays after it)
  if (current !== undefined && ip && tagged.length === 1 && tagged[0] === line) return current;
  const kept = (current ?? DEFAULT_HOSTS)
    .split("\n")
    .filter((l) => !l.trimEnd().endsWith(tag))
    .join("\n")
    .replace(/\n*$/, "\n")
    .replace(/^\n$/, "");
  return ip ? `${kept}${line}\n` : kept;
}

function runningHostname(): string {
  return readFileSync("/proc/sys/kernel/hostname", "utf8").trim();
}

export const hostnameStep: Step = {
  name: "hostname",
  title: "set the hostname (SET_HOSTNAME or onekube-ip-A-B-C-D) and its /etc/hosts line",
  async run(ctx) {
    const name = hostnameOf(ctx.vars);
    if (!name) {
      ctx.note("neither SET_HOSTNAME nor an ETH<n>_IP in the context: hostname left alone");
      return "unchanged";
    }
    let changed = await writeIfChanged(at(ctx, "/etc/hostname"), `${name}\n`);
    const hosts = at(ctx, "/etc/hosts");
    const current = existsSync(hosts) ? readFileSync(hosts, "utf8") : undefined;
    changed = (await writeIfChanged(hosts, hostsWith(current, name, firstAddress(ctx.vars)))) || changed;
    // hostnamectl needs D-Bus, not up this early; the kernel's name is what programs read.
    if (ctx.live && runningHostname() !== name) {
      await ctx.exec.run("hostname", [name], { operation: "set the hostname" });
      changed = true;
    }
    return changed ? "changed" : "unchanged";
  },
};
