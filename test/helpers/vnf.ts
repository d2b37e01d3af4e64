import { Socket } from "node:net";
import { execa } from "execa";
import type { ServiceView } from "../../src/local/status.js";
import { ONEKUBE, onekube } from "./cli.js";

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
 * Stands in for kube-apiserver on a master VM: a TCP server on `port` that answers its host
 * name and closes. Runs until the VM goes away or the returned process is killed.
 */
export function standInServer(env: Env, name: string, vm: number, port: number) {
  const script = `const os=await import("node:os");const net=await import("node:net");
    net.createServer((s)=>{s.end(os.hostname()+"\\n");}).listen(${port},"0.0.0.0",()=>console.log("listening"));`;
  return execa(
    "node",
    [ONEKUBE, "exec", name, String(vm), "--", process.execPath, "--input-type=module", "-e", script],
    {
      env,
      reject: false,
    },
  );
}

/** One TCP request to the endpoint: the answering host's name, or undefined on any failure. */
export function probe(address: string, port: number, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let data = "";
    const done = (value: string | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.on("data", (chunk) => {
      data += chunk.toString();
    });
    socket.on("end", () => done(data.trim() || undefined));
    socket.on("error", () => done(undefined));
    socket.connect(port, address);
  });
}

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
