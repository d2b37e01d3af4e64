/**
 * The default service end to end in the local cloud (issue 6): 3 control-plane nodes, 2 workers
 * and 3 storage nodes Ready; storage nodes prepared, labelled and tainted; ordinary pods on
 * workers only; scaling workers and masters both ways, nodes drained before they go, etcd
 * membership following, and no scale-down below the masters' quorum.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { vmDir } from "../../src/local/names.js";
import { onekube } from "../helpers/cli.js";
import { etcdMembers, kubectl } from "../helpers/kubectl.js";
import { roleVms, statusOf, waitFor } from "../helpers/vnf.js";

const NAME = "sve2e";
const STORAGE_KEY = "node.longhorn.io/create-default-disk";
let root: string;
let env: Record<string, string>;
let kubeconfig: string;

interface NodeInfo {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
}

async function nodeList(): Promise<NodeInfo[] | undefined> {
  const r = await kubectl(kubeconfig, ["get", "nodes", "-o", "json"]);
  if (r.code !== 0) return undefined;
  return (
    JSON.parse(r.stdout) as {
      items: {
        metadata: { name: string; labels: Record<string, string> };
        spec: { unschedulable?: boolean; taints?: NodeInfo["taints"] };
        status: { conditions: { type: string; status: string }[] };
      }[];
    }
  ).items.map((n) => ({
    name: n.metadata.name,
    labels: n.metadata.labels,
    unschedulable: n.spec.unschedulable === true,
    taints: n.spec.taints ?? [],
    ready: n.status.conditions.some((c) => c.type === "Ready" && c.status === "True"),
  }));
}

const nodeOfVm = (ip: string | undefined) => `onekube-ip-${(ip ?? "").replaceAll(".", "-")}`;

/** The names of the role's VMs' nodes, when every one of them is a Ready node and nothing else is. */
async function settled(): Promise<NodeInfo[] | undefined> {
  const view = await statusOf(env, NAME);
  const want = ["master", "worker", "storage"].flatMap((r) => roleVms(view, r).map((v) => nodeOfVm(v.ip)));
  const nodes = await nodeList();
  if (!nodes || nodes.length !== want.length || !nodes.every((n) => n.ready && want.includes(n.name)))
    return undefined;
  return nodes;
}

describe("the default service: workers, storage, scaling", { timeout: 40 * 60_000 }, () => {
  before(async () => {
    assert.equal(process.getuid?.(), 0, "the e2e tests need root");
    root = await mkdtemp(join(tmpdir(), "onekube-sv-"));
    env = { ONEKUBE_ROOT: root, ONEKUBE_LOOP_SECONDS: "2" };
    const up = await onekube(
      ["up", "--name", NAME, "--cooldown", "1", "--disk-mb", "1024"],
      env,
      15 * 60_000,
    );
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    kubeconfig = join(root, "admin.kubeconfig");
    const k = await onekube(["kubeconfig", NAME, "-o", kubeconfig], env);
    assert.equal(k.code, 0, k.stderr);
  });

  after(async () => {
    const down = await onekube(["down", NAME], env);
    assert.equal(down.code, 0, down.stderr);
    await rm(root, { recursive: true, force: true });
  });

  test("eight Ready nodes; storage nodes labelled, tainted and holding their disk", async () => {
    const nodes = await waitFor("eight Ready nodes", 120_000, settled);
    assert.equal(nodes.length, 8);
    const view = await statusOf(env, NAME);
    const storage = roleVms(view, "storage").map((v) => nodeOfVm(v.ip));
    const workers = roleVms(view, "worker").map((v) => nodeOfVm(v.ip));
    assert.equal(nodes.filter((n) => "node-role.kubernetes.io/control-plane" in n.labels).length, 3);
    for (const n of nodes) {
      const isStorage = storage.includes(n.name);
      assert.equal(n.labels[STORAGE_KEY] === "true", isStorage, `${n.name} label`);
      const taint = n.taints.find((t) => t.key === STORAGE_KEY);
      assert.equal(taint?.effect === "NoSchedule", isStorage, `${n.name} taint`);
    }
    assert.equal(workers.length, 2);
    for (const vm of roleVms(view, "storage")) {
      const r = await onekube(
        ["exec", NAME, String(vm.id), "--", "findmnt", "-n", "-o", "FSTYPE,LABEL", "/var/lib/longhorn"],
        env,
      );
      assert.equal(r.stdout.trim().split(/\s+/).join(" "), "xfs STORAGE", `VM ${vm.id}: ${r.stderr}`);
      const fstab = await onekube(["exec", NAME, String(vm.id), "--", "cat", "/etc/fstab"], env);
      assert.match(fstab.stdout, /^UUID=\S+ \/var\/lib\/longhorn xfs /m);
    }
  });

  test("ordinary pods land on workers only", async () => {
    const manifest = join(root, "web.yaml");
    await writeFile(
      manifest,
      JSON.stringify({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "default" },
        spec: {
          replicas: 6,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: {
              containers: [
                { name: "pause", image: "registry.k8s.io/pause:3.10.2", imagePullPolicy: "Never" },
              ],
            },
          },
        },
      }),
    );
    const apply = await kubectl(kubeconfig, ["apply", "-f", manifest]);
    assert.equal(apply.code, 0, apply.stderr);
    const workers = roleVms(await statusOf(env, NAME), "worker").map((v) => nodeOfVm(v.ip));
    const placed = await waitFor("six Running web pods", 120_000, async () => {
      const r = await kubectl(kubeconfig, ["get", "pods", "-l", "app=web", "-o", "json"]);
      const pods =
        (
          JSON.parse(r.stdout || "{}") as {
            items?: { spec: { nodeName?: string }; status: { phase: string } }[];
          }
        ).items ?? [];
      return pods.length === 6 && pods.every((p) => p.status.phase === "Running")
        ? pods.map((p) => p.spec.nodeName ?? "")
        : undefined;
    });
    assert.ok(
      placed.every((n) => workers.includes(n)),
      `placed on ${placed.join(", ")}; workers ${workers.join(", ")}`,
    );
  });

  test("scale worker 3 then 2: the node list follows, the removed node was drained first", async () => {
    const up = await onekube(["scale", NAME, "worker", "3"], env, 10 * 60_000);
    assert.equal(up.code, 0, up.stderr);
    await waitFor("nine Ready nodes", 180_000, async () =>
      (await settled())?.length === 9 ? true : undefined,
    );
    const before = roleVms(await statusOf(env, NAME), "worker");
    const down = await onekube(["scale", NAME, "worker", "2"], env, 10 * 60_000);
    assert.equal(down.code, 0, down.stderr);
    const afterVms = roleVms(await statusOf(env, NAME), "worker");
    const removed = before.find((v) => !afterVms.some((a) => a.id === v.id));
    assert.ok(removed, "one worker VM went");
    const gone = nodeOfVm(removed.ip);
    const nodes = await waitFor("eight Ready nodes", 60_000, settled);
    assert.ok(!nodes.some((n) => n.name === gone));
    // The leader's log tells the order: drained, then the Node deleted, before the VM went.
    const leader = roleVms(await statusOf(env, NAME), "master")[0];
    const log = readFileSync(join(vmDir(root, NAME, leader?.id ?? -1), "agent.log"), "utf8");
    const drained = log.indexOf(`[departures] ${gone}: drained`);
    assert.ok(drained >= 0, `the leader drained ${gone}`);
    assert.ok(log.indexOf(`[departures] ${gone}: cordoned and draining`) < drained);
    const web = await kubectl(kubeconfig, [
      "get",
      "pods",
      "-l",
      "app=web",
      "-o",
      "jsonpath={.items[*].spec.nodeName}",
    ]);
    assert.ok(!web.stdout.includes(gone), "no web pod on the removed node");
  });

  test("scale master 5 then 3: etcd membership follows; below quorum safety is refused", async () => {
    const up = await onekube(["scale", NAME, "master", "5"], env, 10 * 60_000);
    assert.equal(up.code, 0, up.stderr);
    const masters = () => statusOf(env, NAME).then((v) => roleVms(v, "master"));
    await waitFor("five etcd members", 300_000, async () => {
      const m = await masters();
      return (await etcdMembers(env, NAME, m.at(-1)?.id ?? -1))?.length === 5 ? true : undefined;
    });
    const down = await onekube(["scale", NAME, "master", "3"], env, 10 * 60_000);
    assert.equal(down.code, 0, down.stderr);
    const left = await masters();
    assert.equal(left.length, 3);
    const members = await waitFor("three etcd members", 120_000, async () => {
      const list = await etcdMembers(env, NAME, left.at(-1)?.id ?? -1);
      return list?.length === 3 ? list : undefined;
    });
    assert.deepEqual(members.map((m) => m.name).sort(), left.map((v) => nodeOfVm(v.ip)).sort());
    await waitFor("the node list to follow", 60_000, settled);
    const refused = await onekube(["scale", NAME, "master", "1"], env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Minimum cardinality is 3/);
    assert.match(refused.stderr, /quorum/);
  });
});
