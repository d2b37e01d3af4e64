/**
 * The master role end to end in the local cloud, with real binaries: three kubeadm control
 * planes with stacked etcd behind the VNFs' endpoint; the API through the endpoint survives a
 * master's processes dying and the endpoint's VNF failing; a master added after the join
 * material expired still joins.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readVmRecord } from "../../src/local/vm-exec.js";
import { onekube } from "../helpers/cli.js";
import { apiLoop, etcdMembers, kubectl, nodes, parentOf, vmProcesses } from "../helpers/kubectl.js";
import { holders, roleVms, statusOf, stopKeepalived, waitFor } from "../helpers/vnf.js";

const NAME = "cpe2e";
let root: string;
let env: Record<string, string>;
let kubeconfig: string;

const readyControlPlanes = async (n: number) => {
  const list = await nodes(kubeconfig);
  return list && list.length === n && list.every((x) => x.ready && x.controlPlane) ? list : undefined;
};

describe("master role: a kubeadm HA control plane in the local cloud", { timeout: 20 * 60_000 }, () => {
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

  test("one master's processes die: the API answers through the endpoint; the master comes back", async () => {
    const masters = roleVms(await statusOf(env, NAME), "master");
    const victim = masters[1];
    assert.ok(victim);
    const init = readVmRecord(root, NAME, victim.id).pid;
    const all = await vmProcesses(NAME, victim.id);
    // The agent (the VM's supervisor, the init's child) is held still; everything else dies.
    const agent = all.find((p) => parentOf(p) === init);
    assert.ok(agent, "the VM's agent runs");
    process.kill(agent, "SIGSTOP");
    let loop: ReturnType<typeof apiLoop> | undefined;
    try {
      for (const pid of all) if (pid !== init && pid !== agent) process.kill(pid, "SIGKILL");
      // From the moment it is dead (a request in flight at the very kill is lost with any server).
      loop = apiLoop(kubeconfig);
      await waitFor("the victim's API server to be gone", 20_000, async () =>
        (await vmProcesses(NAME, victim.id)).length <= 2 ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 8000));
    } finally {
      process.kill(agent, "SIGCONT");
    }
    assert.ok(loop);
    const stats = await loop.stop();
    assert.ok(stats.ok >= 20, `the API answered ${stats.ok} times`);
    assert.equal(stats.failed, 0, stats.errors.join("\n"));
    // The supervisor restarts containerd and kubelet; kubelet its static pods; etcd rejoins.
    await waitFor("the master to be Ready again with three etcd members", 180_000, async () => {
      const ok = await readyControlPlanes(3);
      const members = await etcdMembers(env, NAME, victim.id);
      return ok && members?.length === 3 ? true : undefined;
    });
  });

  test("the VNF holding the endpoint fails: the API keeps answering", async () => {
    const vnfs = roleVms(await statusOf(env, NAME), "vnf").map((v) => v.id);
    const vip = (
      await kubectl(kubeconfig, ["config", "view", "-o", "jsonpath={.clusters[0].cluster.server}"])
    ).stdout
      .replace(/^https:\/\//, "")
      .replace(/:\d+$/, "");
    const [holder] = await holders(env, NAME, vnfs, vip);
    assert.ok(holder !== undefined);
    const loop = apiLoop(kubeconfig);
    await stopKeepalived(env, NAME, holder);
    await waitFor("the other VNF to hold the endpoint", 20_000, async () => {
      const now = await holders(env, NAME, vnfs, vip);
      return now.length === 1 && now[0] !== holder ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok(loop);
    const stats = await loop.stop();
    assert.ok(stats.ok >= 5, `the API answered ${stats.ok} times`);
    // A request in flight while the address moves may fail once; no more than that.
    assert.ok(stats.failed <= 1, stats.errors.join("\n"));
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
