/**
 * The endpoint under load, one fault at a time (issue 15): a steady stream of API calls through
 * the endpoint while each fault is done, held, undone, and the service recovers; per fault, what
 * a client without retries and one with one retry saw, the longest time without an answer and how
 * long the endpoint's address took to move; at the end, whether every acknowledged write is there.
 * Shared by the e2e test (which asserts the goals) and `npm run bench` (which prints the table).
 */
import { execa } from "execa";
import { ApiStream, STREAM_LABEL, type WindowStats, windowStats } from "./api-stream.js";
import { ONEKUBE } from "./cli.js";
import {
  type Fault,
  freezeMaster,
  killKeepalived,
  killMaster,
  rebootMaster,
  unplugVnf,
  VipWatch,
} from "./faults.js";
import { componentBinary } from "./k8s-bin.js";
import { kubectl, nodes } from "./kubectl.js";
import { roleVms, statusOf, waitFor } from "./vnf.js";

export interface FaultRow extends WindowStats {
  readonly fault: string;
  /** ms until one other VNF alone held the endpoint (VNF faults). */
  readonly addressMovedMs?: number;
  /** ms from the fault until the service was whole again. */
  readonly recoveredMs: number;
}

export interface FaultReport {
  readonly rows: readonly FaultRow[];
  readonly acknowledgedWrites: number;
  readonly lostWrites: readonly number[];
  readonly etcdHealthy: number;
  readonly readyNodes: number;
}

/** `etcdctl endpoint health --cluster` inside a master: how many members answer healthy. */
export async function healthyEtcdMembers(
  env: Record<string, string>,
  service: string,
  vm: number,
): Promise<number> {
  const pki = "/etc/kubernetes/pki/etcd";
  const r = await execa(
    "node",
    [
      ONEKUBE,
      "exec",
      service,
      String(vm),
      "--",
      componentBinary("etcd", "etcdctl"),
      "--endpoints=https://127.0.0.1:2379",
      `--cacert=${pki}/ca.crt`,
      `--cert=${pki}/healthcheck-client.crt`,
      `--key=${pki}/healthcheck-client.key`,
      "endpoint",
      "health",
      "--cluster",
      "-w",
      "json",
    ],
    { env, reject: false },
  );
  try {
    return (JSON.parse(r.stdout) as { health: boolean }[]).filter((m) => m.health).length;
  } catch {
    return 0;
  }
}

async function whole(
  env: Record<string, string>,
  service: string,
  kubeconfig: string,
  masters: number[],
  vip: VipWatch,
) {
  const list = await nodes(kubeconfig);
  if (!list || list.filter((n) => n.controlPlane && n.ready).length < masters.length) return undefined;
  if (vip.holders().length !== 1) return undefined;
  for (const m of masters) if ((await healthyEtcdMembers(env, service, m)) < masters.length) return undefined;
  return true;
}

export async function runFaults(
  env: Record<string, string>,
  service: string,
  kubeconfig: string,
  o: { readonly holdMs?: number; readonly log?: (line: string) => void } = {},
): Promise<FaultReport> {
  const log = o.log ?? (() => {});
  const view = await statusOf(env, service);
  const masters = roleVms(view, "master").map((v) => v.id);
  const vnfs = roleVms(view, "vnf").map((v) => v.id);
  const server = (
    await kubectl(kubeconfig, ["config", "view", "-o", "jsonpath={.clusters[0].cluster.server}"])
  ).stdout;
  const vipAddress = new URL(server).hostname;
  const vip = new VipWatch(service, vnfs, vipAddress);
  // A try without an answer in 2 s is given up and made again on a new connection, as a client
  // with a request timeout does: a connection the address's move caught half-open (its packets
  // reaching the new holder, or the old one after it let the address go) is never answered.
  const stream = new ApiStream(kubeconfig, {
    intervalMs: 100,
    timeoutMs: 2000,
    prefix: `faults-${Date.now()}`,
  });
  const holdMs = o.holdMs ?? 8000;
  const rows: FaultRow[] = [];
  stream.start();
  try {
    await waitFor("the service whole before the faults", 120_000, () =>
      whole(env, service, kubeconfig, masters, vip),
    );
    const holder = () => vip.holders()[0] ?? -1;
    const faults: (() => Fault)[] = [
      () => freezeMaster(service, masters[1] ?? -1),
      () => killMaster(env.ONEKUBE_ROOT ?? "", service, masters[2] ?? -1),
      () => rebootMaster(env, service, masters[1] ?? -1),
      () => killKeepalived(service, holder()),
      () => unplugVnf(service, holder()),
    ];
    for (const make of faults) {
      await new Promise((r) => setTimeout(r, 3000)); // steady state first
      const fault = make();
      const from = holder();
      const t0 = Date.now();
      log(`[faults] ${fault.name}`);
      const undo = await fault.inject();
      await new Promise((r) => setTimeout(r, holdMs));
      await undo();
      await waitFor(`the service whole after: ${fault.name}`, 300_000, () =>
        whole(env, service, kubeconfig, masters, vip),
      );
      const t1 = Date.now();
      const moved = fault.name.startsWith("vnf") ? vip.movedAfter(t0, from) : undefined;
      const row: FaultRow = {
        fault: fault.name,
        ...windowStats(stream.calls, t0, t1),
        ...(moved === undefined ? {} : { addressMovedMs: moved }),
        recoveredMs: t1 - t0,
      };
      log(`[faults] ${JSON.stringify(row)}`);
      rows.push(row);
    }
  } finally {
    await stream.stop();
    await vip.stop();
  }
  const found = await kubectl(
    kubeconfig,
    ["get", "configmaps", "-l", STREAM_LABEL, "-o", "jsonpath={.items[*].data.seq}"],
    60_000,
  );
  const present = new Set(found.stdout.split(/\s+/).filter(Boolean).map(Number));
  const lostWrites = stream.acknowledged.filter((s) => !present.has(s));
  await kubectl(kubeconfig, ["delete", "configmaps", "-l", STREAM_LABEL, "--wait=false"], 60_000);
  const list = (await nodes(kubeconfig)) ?? [];
  return {
    rows,
    acknowledgedWrites: stream.acknowledged.length,
    lostWrites,
    etcdHealthy: await healthyEtcdMembers(env, service, masters[0] ?? -1),
    readyNodes: list.filter((n) => n.ready).length,
  };
}

/** The report as a table. */
export function faultTable(r: FaultReport): string {
  const s = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(2)} s`);
  const lines = [
    "| fault | calls | failed (no retry) | failed (1 retry) | longest gap | address moved | recovered |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...r.rows.map(
      (x) =>
        `| ${x.fault} | ${x.calls} | ${x.failedFirstTry} | ${x.failedWithRetry} | ${s(x.longestGapMs)} | ${s(x.addressMovedMs)} | ${s(x.recoveredMs)} |`,
    ),
  ];
  return `${lines.join("\n")}\nacknowledged writes ${r.acknowledgedWrites}, lost ${r.lostWrites.length}; etcd healthy members ${r.etcdHealthy}; Ready nodes ${r.readyNodes}`;
}
