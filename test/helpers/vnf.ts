import { execa } from "execa";
import type { ServiceView } from "../../src/local/status.js";
import { ONEKUBE, onekube } from "./cli.js";
import { askStandIn, standInApiScript } from "./stand-in-api.js";

export type Env = Record<string, string>;

export async function statusOf(env: Env, name: string): Promise<ServiceView> {
  const r = await onekube(["status", name, "--json"], env);
  if (r.code !== 0) throw new Error(`status ${name}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { service: ServiceView }).service;
}

export const roleVms = (view: ServiceView, role: string) =>
  view.roles.find((r) => r.name === role)?.vms ?? [];

/** The VNFs that hold `vip` on eth0 right now. */
export async function holders(
  env: Env,
  name: string,
  vnfIds: readonly number[],
  vip: string,
): Promise<number[]> {
  const held: number[] = [];
  for (const id of vnfIds) {
    const r = await onekube(
      ["exec", name, String(id), "--", "ip", "-4", "-o", "addr", "show", "dev", "eth0"],
      env,
    );
    if (r.stdout.includes(` ${vip}/`)) held.push(id);
  }
  return held;
}

/**
 * Stands in for kube-apiserver on a master VM: an HTTPS server on `port` answering /readyz and
 * its host name (stand-in-api.ts). Runs until the VM goes away or the returned process is killed.
 */
export function standInServer(env: Env, name: string, vm: number, port: number) {
  return execa(
    "node",
    [ONEKUBE, "exec", name, String(vm), "--", process.execPath, "-e", standInApiScript(port)],
    { env, reject: false },
  );
}

/** One request to the endpoint: the answering host's name, or undefined on any failure. */
export const probe = askStandIn;

/** A client looping on the endpoint until stopped; counts answers and failures. */
export function clientLoop(address: string, port: number, intervalMs = 50) {
  const stats = { ok: 0, failed: 0, answeredBy: new Set<string>() };
  let running = true;
  const done = (async () => {
    while (running) {
      const answer = await probe(address, port);
      if (answer) {
        stats.ok++;
        stats.answeredBy.add(answer);
      } else stats.failed++;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    stats,
    stop: async () => {
      running = false;
      await done;
      return stats;
    },
  };
}

export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The backends HAProxy on a VNF is configured with (`server` lines of its haproxy.cfg). */
export async function haproxyBackends(env: Env, name: string, vnf: number): Promise<string[]> {
  const r = await onekube(["exec", name, String(vnf), "--", "cat", "/var/lib/onekube/vnf/haproxy.cfg"], env);
  return [...r.stdout.matchAll(/^\s+server \S+ (\S+):\d+/gm)].map((m) => m[1] ?? "").sort();
}

/** Stops keepalived on a VNF as an administrator would (SIGTERM through its pid file). */
export async function stopKeepalived(env: Env, name: string, vnf: number): Promise<void> {
  await onekube(
    ["exec", name, String(vnf), "--", "sh", "-c", "kill $(cat /run/onekube/keepalived.pid)"],
    env,
  );
}
