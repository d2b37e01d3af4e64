/**
 * The default service end to end in the local cloud (issues 6 and 8): 3 control-plane nodes,
 * 2 workers and 3 storage nodes Ready; storage nodes prepared, labelled and tainted; ordinary pods
 * on workers only; every image from the cloud's registry; kube-proxy, CoreDNS, Canal's flannel
 * and MetalLB running, a LoadBalancer answering from the host, pods reaching pods, Services and
 * DNS; scaling workers and masters both ways, nodes drained before they go, etcd membership
 * following, and no scale-down below the masters' quorum.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { serviceDir, vmDir } from "../../src/local/names.js";
import { onekube } from "../helpers/cli.js";
import { reuseAddress } from "../helpers/ip-reuse.js";
import { etcdMembers, kubectl } from "../helpers/kubectl.js";
import { inHome, quickStartHome } from "../helpers/quick-start.js";
import { roleVms, statusOf, waitFor } from "../helpers/vnf.js";
import { deployHttp, pods } from "../helpers/workloads.js";

const NAME = "sve2e";
// A network of our own (a bridge this test creates), so that MetalLB's range is known before up.
const CIDR = "10.213.47.0/24";
const LB_RANGE = "10.213.47.200-10.213.47.209";
const STORAGE_KEY = "node.longhorn.io/create-default-disk";
let root: string;
let env: Record<string, string>;
let kubeconfig: string;
let upOutput: string;
/** The user's home: their SSH key (which up gives the VMs), ~/.ssh/config, ~/.kube. */
let home: string;

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
    home = await quickStartHome();
    env = { ONEKUBE_ROOT: root, ONEKUBE_LOOP_SECONDS: "2", HOME: home };
    const up = await onekube(
      [
        "up",
        "--name",
        NAME,
        "--cooldown",
        "1",
        "--disk-mb",
        "1024",
        "--cidr",
        CIDR,
        "--set",
        `ONEAPP_K8S_LOADBALANCER_RANGE=${LB_RANGE}`,
      ],
      env,
      15 * 60_000,
    );
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    upOutput = up.stdout;
    kubeconfig = join(root, "admin.kubeconfig");
    const k = await onekube(["kubeconfig", NAME, "-o", kubeconfig], env);
    assert.equal(k.code, 0, k.stderr);
  });

  after(async () => {
    const down = await onekube(["down", NAME], env);
    assert.equal(down.code, 0, down.stderr);
    await rm(root, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
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

  test("the reference's Quick Start, as written: kubectl on a master over ssh -J, admin.conf copied by scp", async () => {
    const view = await statusOf(env, NAME);
    const vnf = roleVms(view, "vnf")[0]?.ip;
    const master = roleVms(view, "master")[0]?.ip;
    // up told the user these very commands, with the user's own key
    assert.ok(
      upOutput.includes(`SSH: every VM lets root in with your key ${home}/.ssh/id_ed25519.pub`),
      upOutput,
    );
    assert.ok(upOutput.includes(`  ssh -J root@${vnf} root@${master} kubectl get nodes\n`), upOutput);
    const ready = (out: string) => out.split("\n").filter((l) => /^onekube-ip-\S+\s+Ready\s/.test(l)).length;
    // "Check Kubernetes cluster status": log into a master over SSH (through the VNF) and list the nodes
    const onMaster = await inHome(home, `ssh -J root@${vnf} root@${master} kubectl get nodes`);
    assert.equal(onMaster.code, 0, onMaster.stderr);
    assert.equal(ready(onMaster.stdout), 8, onMaster.stdout);
    // "Use Kubernetes remotely": admin.conf into ~/.kube/config, then kubectl from here
    const copied = await inHome(
      home,
      `mkdir -p ~/.kube/ && scp root@${master}:/etc/kubernetes/admin.conf ~/.kube/config`,
    );
    assert.equal(copied.code, 0, copied.stderr);
    const remote = await inHome(home, "kubectl get nodes");
    assert.equal(remote.code, 0, remote.stderr);
    assert.equal(ready(remote.stdout), 8, remote.stdout);
    assert.match(readFileSync(join(home, ".kube/config"), "utf8"), /server: https:\/\/10\.213\.47\.2:6443/);
  });

  test("a storage disk resized while its VM runs: the mounted filesystem grows", async () => {
    const vm = roleVms(await statusOf(env, NAME), "storage")[0];
    assert.ok(vm);
    const size = async () => {
      const r = await onekube(
        ["exec", NAME, String(vm.id), "--", "df", "-B1", "--output=size", "/var/lib/longhorn"],
        env,
      );
      return Number(r.stdout.trim().split("\n").at(-1));
    };
    const before = await size();
    const resize = await onekube(["disk", "resize", NAME, String(vm.id), "2G"], env);
    assert.equal(resize.code, 0, resize.stderr);
    const grown = await waitFor("the filesystem to grow", 60_000, async () => {
      const now = await size();
      return now > before ? now : undefined;
    });
    assert.ok(grown > 1.5 * before, `${before} -> ${grown} bytes`);
  });

  test("up prints what the Quick Start shows: nodes, storage classes, MetalLB pools", () => {
    const section = (title: string, next: string) =>
      upOutput
        .slice(upOutput.indexOf(`${title}\n`), upOutput.indexOf(`${next}\n`))
        .trim()
        .split("\n")
        .slice(2);
    const nodes = section("NODES", "STORAGE CLASSES");
    assert.equal(nodes.length, 8, nodes.join("\n"));
    assert.equal(nodes.filter((l) => /\sReady\s+control-plane\s/.test(l)).length, 3);
    assert.equal(nodes.filter((l) => /\sReady\s+<none>\s/.test(l)).length, 5);
    const classes = section("STORAGE CLASSES", "METALLB POOLS").map((l) =>
      l.split(/\s+/).slice(0, 5).join(" "),
    );
    assert.deepEqual(classes, [
      "longhorn driver.longhorn.io Delete Immediate true",
      "longhorn-retain driver.longhorn.io Retain Immediate true",
    ]);
    const rest = section("METALLB POOLS", "kubectl:");
    const pools = rest
      .slice(
        0,
        rest.findIndex((l) => l.startsWith("kubectl:")),
      )
      .map((l) => l.split(/\s+/).join(" "));
    assert.deepEqual(pools, [`default ${LB_RANGE}`]);
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

  test("every image comes from the cloud's registry: hosts.toml on every node, the registry's log", async () => {
    const info = JSON.parse(readFileSync(join(serviceDir(root, NAME), "cloud.json"), "utf8")) as {
      registry?: string;
    };
    assert.ok(info.registry, "the cloud runs a registry");
    const view = await statusOf(env, NAME);
    for (const vm of ["master", "worker", "storage"].flatMap((r) => roleVms(view, r))) {
      for (const upstream of ["registry.k8s.io", "docker.io", "quay.io", "ghcr.io"]) {
        const r = await onekube(
          ["exec", NAME, String(vm.id), "--", "cat", `/etc/containerd/certs.d/${upstream}/hosts.toml`],
          env,
        );
        assert.match(r.stdout, new RegExp(`^server = "http://${info.registry}/v2/${upstream}"$`, "m"));
        assert.doesNotMatch(r.stdout, new RegExp(`https://${upstream}`), "no way to the upstream");
      }
    }
    const log = readFileSync(join(serviceDir(root, NAME), "registry", "registry.log"), "utf8");
    for (const repo of [
      "registry.k8s.io/kube-proxy",
      "registry.k8s.io/pause",
      "quay.io/metallb/speaker",
      "docker.io/flannel/flannel",
    ])
      assert.match(log, new RegExp(`/v2/${repo}/manifests/`), `${repo} was pulled from the registry`);
  });

  test("every pod of kube-system and metallb-system runs: kube-proxy, CoreDNS, Canal's flannel, MetalLB", async () => {
    const all = await waitFor("kube-system and metallb-system Running and Ready", 300_000, async () => {
      const list = [
        ...((await pods(kubeconfig, ["-n", "kube-system"])) ?? []),
        ...((await pods(kubeconfig, ["-n", "metallb-system"])) ?? []),
      ];
      return list.length > 0 && list.every((p) => p.phase === "Running" && p.ready) ? list : undefined;
    });
    const count = (prefix: string) => all.filter((p) => p.name.startsWith(prefix)).length;
    assert.equal(count("kube-proxy-"), 8);
    assert.equal(count("canal-"), 8, "Canal's DaemonSet on every node");
    // flanneld reaches the API through the endpoint, not a ClusterIP kube-proxy has yet to program;
    // MetalLB's pods (through the ClusterIP) start only on a node whose kube-proxy has synced.
    const restarts = all.filter(
      (p) => ["canal-", "controller-", "speaker-"].some((s) => p.name.startsWith(s)) && p.restarts > 0,
    );
    // What the restarted container said before it exited, so that a failure explains itself.
    const previous = await Promise.all(
      restarts.map(async (p) => {
        const log = await kubectl(kubeconfig, [
          "-n",
          p.namespace,
          "logs",
          "--previous",
          "--tail",
          "30",
          p.name,
        ]);
        return `${p.name} on ${p.node}:\n${log.stdout}${log.stderr}`;
      }),
    );
    // A master the endpoint took out of rotation closes the sessions through it (issue 15).
    const endpointChanges = roleVms(await statusOf(env, NAME), "vnf").flatMap((v) =>
      readFileSync(join(vmDir(root, NAME, v.id), "agent.log"), "utf8")
        .split("\n")
        .filter((l) => /^\[WARNING\].* is (DOWN|UP),/.test(l))
        .map((l) => `vnf ${v.id}: ${l.slice(0, 160)}`),
    );
    assert.deepEqual(
      restarts.map((p) => p.name),
      [],
      `no canal or MetalLB pod restarted\n${previous.join("\n")}\nendpoint:\n${endpointChanges.join("\n")}`,
    );
    assert.equal(count("coredns-"), 2);
    assert.equal(count("controller-"), 1);
    assert.equal(count("speaker-"), 5, "a speaker on each master and worker (storage nodes are tainted)");
    // Calico cannot be had here (no source served): left out, and said so, not hidden.
    assert.ok(!all.some((p) => p.images.some((i) => i.includes("calico"))));
    const addonsOf = async () =>
      (await statusOf(env, NAME)).roles.flatMap((r) => r.vms.flatMap((v) => v.addons));
    const canal = (await addonsOf()).find((a) => a.name === "canal");
    assert.match(canal?.note ?? "", /without Calico.*NetworkPolicy is not enforced/);
    assert.deepEqual(canal?.missingImages, []);
    const metallb = await waitFor("MetalLB applied in full", 120_000, async () => {
      const m = (await addonsOf()).find((a) => a.name === "metallb");
      return m?.state === "applied" ? m : undefined;
    });
    assert.deepEqual(metallb.missingImages, []);
    // The pods' traffic between nodes goes through flannel's VXLAN device.
    const worker = roleVms(await statusOf(env, NAME), "worker")[0];
    const link = await onekube(
      ["exec", NAME, String(worker?.id), "--", "ip", "-d", "link", "show", "flannel.1"],
      env,
    );
    assert.match(link.stdout, /vxlan id 1 /, link.stderr);
    const routes = await onekube(
      ["exec", NAME, String(worker?.id), "--", "ip", "-4", "route", "show", "dev", "flannel.1"],
      env,
    );
    assert.equal(
      routes.stdout.trim().split("\n").length,
      7,
      `a route to each of the 7 other nodes' pods:\n${routes.stdout}`,
    );
  });

  test("a LoadBalancer Service gets an address from the range and answers HTTP from the host", async () => {
    await deployHttp(kubeconfig, root, { name: "web-lb", replicas: 2, type: "LoadBalancer" });
    const ip = await waitFor("an external address", 120_000, async () => {
      const r = await kubectl(kubeconfig, [
        "get",
        "service",
        "web-lb",
        "-o",
        "jsonpath={.status.loadBalancer.ingress[0].ip}",
      ]);
      return r.stdout.trim() || undefined;
    });
    const last = Number(ip.split(".").at(-1));
    assert.ok(ip.startsWith("10.213.47.") && last >= 200 && last <= 209, `${ip} is in ${LB_RANGE}`);
    const body = await waitFor(`http://${ip}/version to answer`, 120_000, async () => {
      try {
        const res = await fetch(`http://${ip}/version`, { signal: AbortSignal.timeout(3000) });
        return res.ok ? await res.text() : undefined;
      } catch {
        return undefined;
      }
    });
    assert.match(body, /"etcdserver":"3\.6\.8"/);
  });

  test("a pod address handed out again on a node is reached at once, from the node and from a pod beside it", async () => {
    const w = roleVms(await statusOf(env, NAME), "worker")[0];
    assert.ok(w);
    const r = await reuseAddress({
      env,
      service: NAME,
      kubeconfig,
      vm: { id: w.id, node: nodeOfVm(w.ip) },
      dir: root,
    });
    process.stderr.write(`[ip-reuse] ${JSON.stringify(r)}\n`);
    assert.ok(r.podReached, `a pod beside it could not reach ${r.ip} within 1 s`);
    assert.ok(r.nodeMs !== undefined && r.nodeMs < 1000, `its node reached ${r.ip} after ${r.nodeMs} ms`);
  });

  test("a pod reaches a pod on another worker, a ClusterIP Service, and a Service by its DNS name", async () => {
    await deployHttp(kubeconfig, root, { name: "echo", replicas: 2, type: "ClusterIP" });
    const [a, b] = await waitFor("two Ready echo pods on two nodes", 180_000, async () => {
      const list = (await pods(kubeconfig, ["-l", "app=echo"])) ?? [];
      return list.length === 2 && list.every((p) => p.ready) && list[0]?.node !== list[1]?.node
        ? list
        : undefined;
    });
    assert.ok(a && b);
    const ip = (await kubectl(kubeconfig, ["get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}"]))
      .stdout;
    for (const endpoint of [`http://${b.ip}:2379`, `http://${ip}:80`, "http://echo.default:80"]) {
      const r = await kubectl(
        kubeconfig,
        [
          "exec",
          a.name,
          "--",
          "/usr/local/bin/etcdctl",
          "--endpoints",
          endpoint,
          "--dial-timeout=5s",
          "endpoint",
          "health",
        ],
        30_000,
      );
      assert.match(
        `${r.stdout}${r.stderr}`,
        /is healthy/,
        `${a.name} (${a.node}) -> ${endpoint}: ${r.stderr}`,
      );
    }
    // The cluster's DNS answers for kubernetes.default (a real query to kube-dns's ClusterIP from a
    // node: no image built here holds a DNS client, the pods above resolved echo.default alike).
    const dns = (
      await kubectl(kubeconfig, [
        "get",
        "service",
        "-n",
        "kube-system",
        "kube-dns",
        "-o",
        "jsonpath={.spec.clusterIP}",
      ])
    ).stdout;
    const api = (
      await kubectl(kubeconfig, ["get", "service", "kubernetes", "-o", "jsonpath={.spec.clusterIP}"])
    ).stdout;
    const worker = roleVms(await statusOf(env, NAME), "worker")[0];
    const query = `const r = new (require("node:dns").promises.Resolver)(); r.setServers(["${dns}"]); r.resolve4("kubernetes.default.svc.cluster.local").then((a) => console.log(a.join(" ")))`;
    const resolved = await onekube(
      ["exec", NAME, String(worker?.id), "--", process.execPath, "-e", query],
      env,
    );
    assert.equal(resolved.stdout.trim(), api, resolved.stderr);
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
