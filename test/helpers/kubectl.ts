import { readFileSync } from "node:fs";
import { execa } from "execa";
import { ONEKUBE } from "./cli.js";
import { componentBinary, k8sBinary } from "./k8s-bin.js";

/** kubectl from the build cache, against a kubeconfig; never throws (the result says how it went). */
export async function kubectl(kubeconfig: string, args: readonly string[], timeoutMs = 20_000) {
  const r = await execa(k8sBinary("kubectl"), ["--kubeconfig", kubeconfig, ...args], {
    reject: false,
    timeout: timeoutMs,
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Nodes by name: Ready or not, and their roles. */
export async function nodes(kubeconfig: string) {
  const r = await kubectl(kubeconfig, ["get", "nodes", "-o", "json"]);
  if (r.code !== 0) return undefined;
  const list = JSON.parse(r.stdout) as {
    items: {
      metadata: { name: string; labels: Record<string, string> };
      status: { conditions: { type: string; status: string }[] };
    }[];
  };
  return list.items.map((n) => ({
    name: n.metadata.name,
    controlPlane: "node-role.kubernetes.io/control-plane" in n.metadata.labels,
    ready: n.status.conditions.some((c) => c.type === "Ready" && c.status === "True"),
  }));
}

/** `etcdctl member list` run inside a master VM, with kubeadm's etcd client certificates. */
export async function etcdMembers(env: Record<string, string>, name: string, vm: number) {
  const pki = "/etc/kubernetes/pki/etcd";
  const r = await execa(
    "node",
    [
      ONEKUBE,
      "exec",
      name,
      String(vm),
      "--",
      componentBinary("etcd", "etcdctl"),
      "--endpoints=https://127.0.0.1:2379",
      `--cacert=${pki}/ca.crt`,
      `--cert=${pki}/healthcheck-client.crt`,
      `--key=${pki}/healthcheck-client.key`,
      "member",
      "list",
      "-w",
      "json",
    ],
    { env, reject: false },
  );
  if (r.exitCode !== 0) return undefined;
  const out = JSON.parse(r.stdout) as { members?: { name: string; isLearner?: boolean }[] };
  return (out.members ?? []).map((m) => ({ name: m.name, learner: m.isLearner === true }));
}

/** The processes of a local VM: its network namespace's and its cgroup root's. */
export async function vmProcesses(name: string, vm: number): Promise<number[]> {
  const ns = `onekube-${name}-${vm}`;
  const r = await execa("ip", ["netns", "pids", ns], { reject: false });
  const pids = new Set(r.stdout.split("\n").filter(Boolean).map(Number));
  const { cgroupPids } = await import("../../src/local/vm-cgroups.js");
  for (const p of cgroupPids(`/onekube/${ns}`)) pids.add(p);
  return [...pids];
}

/** The parent pid of a process, from /proc. */
export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}
