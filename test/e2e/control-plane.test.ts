/**
 * The master role end to end in the local cloud, with real binaries: three kubeadm control
 * planes with stacked etcd behind the VNFs' endpoint; the API through the endpoint answers a
 * client that retries once through every fault of issue 15 (a master frozen, killed, rebooted;
 * the endpoint's keepalived killed, its VNF unplugged) and loses no write; a master added after
 * the join material expired still joins.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { onekube } from "../helpers/cli.js";
import { faultTable, runFaults } from "../helpers/fault-run.js";
import { etcdMembers, kubectl, nodes } from "../helpers/kubectl.js";
import { roleVms, statusOf, waitFor } from "../helpers/vnf.js";

const NAME = "cpe2e";
let root: string;
let env: Record<string, string>;
let kubeconfig: string;

const readyControlPlanes = async (n: number) => {
  const list = await nodes(kubeconfig);
  return list && list.length === n && list.every((x) => x.ready && x.controlPlane) ? list : undefined;
};

describe("master role: a kubeadm HA control plane in the local cloud", { timeout: 40 * 60_000 }, () => {
  before(async () => {
    assert.equal(process.getuid?.(), 0, "the e2e tests need root");
    root = await mkdtemp(join(tmpdir(), "onekube-cp-"));
    env = { ONEKUBE_ROOT: root, ONEKUBE_LOOP_SECONDS: "2" };
    const up = await onekube(
      ["up", "--name", NAME, "--role-size", "worker=0", "--role-size", "storage=0", "--cooldown", "1"],
      env,
    );
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    kubeconfig = join(root, "admin.kubeconfig");
  });

  after(async () => {
    const down = await onekube(["down", NAME], env);
    assert.equal(down.code, 0, down.stderr);
    await rm(root, { recursive: true, force: true });
  });

  test("kubeconfig: the admin kubeconfig points at the endpoint, mode 0600", async () => {
    const r = await onekube(["kubeconfig", NAME, "-o", kubeconfig], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await stat(kubeconfig)).mode & 0o777, 0o600);
    const server = await kubectl(kubeconfig, [
      "config",
      "view",
      "-o",
      "jsonpath={.clusters[0].cluster.server}",
    ]);
    const view = await statusOf(env, NAME);
    const endpoint = (await onekube(["status", NAME], env)).stdout.match(/endpoint (\S+)/)?.[1];
    assert.match(server.stdout, /^https:\/\/172\.\d+\.\d+\.\d+:6443$/);
    assert.ok(
      !roleVms(view, "master").some((m) => server.stdout.includes(`//${m.ip}:`)),
      "not a master's own address",
    );
    if (endpoint) assert.ok(server.stdout.includes(endpoint));
  });

  test("three Ready control-plane nodes through the endpoint, three etcd members", async () => {
    const list = await waitFor("three Ready control-plane nodes", 120_000, () => readyControlPlanes(3));
    assert.equal(list.length, 3);
    const masters = roleVms(await statusOf(env, NAME), "master");
    const members = await etcdMembers(env, NAME, masters[0]?.id ?? -1);
    assert.deepEqual(
      members?.map((m) => m.name).sort(),
      list.map((n) => n.name).sort(),
      "one voting etcd member per control-plane node",
    );
    assert.ok(members?.every((m) => !m.learner));
  });

  test("storage classes as the reference prints them; add-ons reported honestly", async () => {
    const r = await kubectl(kubeconfig, ["get", "storageclass"]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split("\n").map((l) =>
      l
        .trim()
        .split(/\s{2,}/)
        .slice(0, 5),
    );
    assert.deepEqual(rows, [
      ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION"],
      ["longhorn", "driver.longhorn.io", "Delete", "Immediate", "true"],
      ["longhorn-retain", "driver.longhorn.io", "Retain", "Immediate", "true"],
    ]);
    const crds = await kubectl(kubeconfig, ["get", "crd", "-o", "name"]);
    for (const crd of [
      "ipaddresspools.metallb.io",
      "volumes.longhorn.io",
      "felixconfigurations.crd.projectcalico.org",
    ])
      assert.ok(crds.stdout.includes(crd), crd);
    // Calico's images cannot be built here: Canal runs without it, and status says so.
    const status = await onekube(["status", NAME], env);
    assert.match(status.stdout, /ADD-ONS/);
    assert.match(status.stdout, /canal: applied .*without Calico.*NetworkPolicy is not enforced/);
    assert.match(status.stdout, /longhorn: applied .*not available here.*longhornio\/longhorn-manager/);
    assert.match(status.stdout, /longhorn: applied/);
    assert.match(status.stdout, /metallb: /);
  });

  test("the endpoint under faults, one at a time, with a stream of reads and writes through it", async () => {
    // A master frozen, killed, rebooted; the endpoint's keepalived killed; its VNF unplugged.
    const report = await runFaults(env, NAME, kubeconfig, { log: (l) => process.stderr.write(`${l}\n`) });
    process.stderr.write(`${faultTable(report)}\n`);
    // The goals (issue 15), with the margins this loaded 2-core machine needs: the VMs, the
    // stream and the fault driver share two cores, so a check or an advert can come late.
    const GAP_MS = 2000 * 1.5;
    const MOVE_MS = 1000 * 1.5;
    for (const row of report.rows) {
      assert.equal(row.failedWithRetry, 0, `${row.fault}: a client retrying once saw a failure`);
      assert.ok(
        row.longestGapMs < GAP_MS,
        `${row.fault}: ${row.longestGapMs} ms without an answer; slowest call: ${row.slowest ?? "none"}`,
      );
      if (row.fault.includes("keepalived killed"))
        assert.ok(
          (row.addressMovedMs ?? Infinity) < MOVE_MS,
          `${row.fault}: address moved in ${row.addressMovedMs} ms`,
        );
    }
    assert.equal(report.rows.length, 5);
    assert.ok(report.acknowledgedWrites > 100, `${report.acknowledgedWrites} writes acknowledged`);
    assert.deepEqual(report.lostWrites, [], "every acknowledged write is readable");
    assert.equal(report.etcdHealthy, 3);
    assert.ok((await readyControlPlanes(3)) !== undefined);
  });

  test("a fourth master added after the join material expired still joins", async () => {
    const before = await kubectl(kubeconfig, ["-n", "kube-system", "get", "secrets", "-o", "name"]);
    const tokens = before.stdout.split("\n").filter((s) => s.startsWith("secret/bootstrap-token-"));
    assert.ok(tokens.length > 0 && before.stdout.includes("secret/kubeadm-certs"));
    // What expiry does (the bootstrap token and, through its owner, the uploaded certificates
    // are garbage-collected): remove them, as three hours would.
    const del = await kubectl(kubeconfig, [
      "-n",
      "kube-system",
      "delete",
      "--ignore-not-found",
      ...tokens,
      "secret/kubeadm-certs",
    ]);
    assert.equal(del.code, 0, del.stderr);
    const scale = await onekube(["scale", NAME, "master", "4"], env);
    assert.equal(scale.code, 0, scale.stderr);
    await waitFor("four Ready control-plane nodes", 300_000, () => readyControlPlanes(4));
    const masters = roleVms(await statusOf(env, NAME), "master");
    const members = await etcdMembers(env, NAME, masters[0]?.id ?? -1);
    assert.equal(members?.length, 4);
    const after = await kubectl(kubeconfig, ["-n", "kube-system", "get", "secrets", "-o", "name"]);
    assert.ok(after.stdout.includes("secret/kubeadm-certs"), "the certificates were uploaded again");
    assert.ok(!tokens.some((t) => after.stdout.includes(t)), "a new token, not the deleted one");
  });
});
