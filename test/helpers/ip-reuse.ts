/**
 * A pod address handed out again on one node (issue 16), reproduced on purpose instead of after
 * an hour of churn: pod A and a client pod C on the same worker, the node and C talk to A (their
 * neighbour entries now hold A's MAC), A is deleted, host-local is told its last reservation was
 * the address before A's so it hands A's out next, and B gets it. Then, at once, C and the node
 * reach B: with stale neighbour entries they reach A's dead MAC instead, for seconds.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { intToIpv4, ipv4ToInt } from "../../src/params/ipv4.js";
import { ONEKUBE } from "./cli.js";
import { kubectl } from "./kubectl.js";
import { waitFor } from "./vnf.js";
import { HTTP_IMAGE } from "./workloads.js";

const pod = (name: string, node: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", labels: { app: "ip-reuse" } },
  spec: {
    nodeName: node,
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: "http",
        image: HTTP_IMAGE,
        command: [
          "/usr/local/bin/etcd",
          "--data-dir=/tmp/data",
          "--listen-client-urls=http://0.0.0.0:2379",
          "--advertise-client-urls=http://127.0.0.1:2379",
          "--listen-peer-urls=http://127.0.0.1:2380",
        ],
      },
    ],
  },
});

async function apply(kubeconfig: string, dir: string, name: string, node: string): Promise<void> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(pod(name, node)));
  const r = await kubectl(kubeconfig, ["apply", "-f", file]);
  if (r.code !== 0) throw new Error(`create ${name}: ${r.stderr}`);
}

async function running(kubeconfig: string, name: string): Promise<string> {
  return waitFor(`${name} Running`, 120_000, async () => {
    const r = await kubectl(kubeconfig, [
      "get",
      "pod",
      name,
      "-o",
      "jsonpath={.status.phase} {.status.podIP}",
    ]);
    const [phase, ip] = r.stdout.split(" ");
    return phase === "Running" && ip ? ip : undefined;
  });
}

/** A shell command line run in the VM; its stdout. */
async function inVm(
  env: Record<string, string>,
  service: string,
  vm: number,
  script: string,
): Promise<string> {
  const r = await execa("node", [ONEKUBE, "exec", service, String(vm), "--", "sh", "-c", script], {
    env,
    reject: false,
  });
  return r.stdout.trim();
}

/** C's request to `ip` with a 1 s budget to connect: did B answer? */
async function fromPod(kubeconfig: string, ip: string): Promise<boolean> {
  const r = await kubectl(
    kubeconfig,
    [
      "exec",
      "ip-reuse-c",
      "--",
      "/usr/local/bin/etcdctl",
      `--endpoints=http://${ip}:2379`,
      "--dial-timeout=1s",
      "--command-timeout=1s",
      "endpoint",
      "health",
    ],
    30_000,
  );
  return /is healthy/.test(`${r.stdout}${r.stderr}`);
}

export interface ReuseResult {
  readonly ip: string;
  /** The new pod answered a pod beside it within 1 s. */
  readonly podReached: boolean;
  /** ms until the new pod answered its node (HTTP, 0.2 s per try), or undefined after 15 s. */
  readonly nodeMs: number | undefined;
  /** The node's neighbour entry for the address before and after. */
  readonly neighbourBefore: string;
  readonly neighbourAfter: string;
}

export async function reuseAddress(o: {
  readonly env: Record<string, string>;
  readonly service: string;
  readonly kubeconfig: string;
  readonly vm: { readonly id: number; readonly node: string };
  readonly dir: string;
}): Promise<ReuseResult> {
  const { env, service, kubeconfig, vm, dir } = o;
  try {
    await apply(kubeconfig, dir, "ip-reuse-c", vm.node);
    await apply(kubeconfig, dir, "ip-reuse-a", vm.node);
    await running(kubeconfig, "ip-reuse-c");
    const ip = await running(kubeconfig, "ip-reuse-a");
    // The node and C talk to A: their neighbour entries for the address hold A's MAC.
    await waitFor("A answering its node and C", 60_000, async () =>
      (await inVm(env, service, vm.id, `curl -s --max-time 1 http://${ip}:2379/version`)).includes(
        "etcdserver",
      ) && (await fromPod(kubeconfig, ip))
        ? true
        : undefined,
    );
    const neighbourBefore = await inVm(env, service, vm.id, `ip neigh show ${ip} dev cni0`);
    await kubectl(
      kubeconfig,
      ["delete", "pod", "ip-reuse-a", "--grace-period=0", "--force", "--wait=true"],
      60_000,
    );
    await waitFor("A's address released by host-local", 60_000, async () =>
      (await inVm(
        env,
        service,
        vm.id,
        `test -e /var/lib/cni/networks/onekube/${ip} && echo held || echo free`,
      )) === "free"
        ? true
        : undefined,
    );
    // host-local hands out the address after its last reservation (the file holds the bare address:
    // with a newline it does not parse, and host-local starts from its range's first free one), so
    // the one before A's makes B get A's. Another
    // pod of the node may take a turn in between: then B tries again.
    const before = intToIpv4(ipv4ToInt(ip) - 1);
    for (let attempt = 1; ; attempt++) {
      await inVm(
        env,
        service,
        vm.id,
        `printf %s ${before} > /var/lib/cni/networks/onekube/last_reserved_ip.0`,
      );
      await apply(kubeconfig, dir, "ip-reuse-b", vm.node);
      const again = await running(kubeconfig, "ip-reuse-b");
      if (again === ip) break;
      if (attempt === 5)
        throw new Error(`B got ${again}, not A's ${ip}, ${attempt} times: the reuse was not forced`);
      await kubectl(
        kubeconfig,
        ["delete", "pod", "ip-reuse-b", "--grace-period=0", "--force", "--wait=true"],
        60_000,
      );
    }
    const podReached = await fromPod(kubeconfig, ip);
    const elapsed = await inVm(
      env,
      service,
      vm.id,
      `s=$(date +%s%3N); while :; do curl -s --max-time 0.2 http://${ip}:2379/version >/dev/null && break; n=$(date +%s%3N); [ $((n - s)) -gt 15000 ] && { echo never; exit; }; done; echo $(( $(date +%s%3N) - s ))`,
    );
    const neighbourAfter = await inVm(env, service, vm.id, `ip neigh show ${ip} dev cni0`);
    return {
      ip,
      podReached,
      nodeMs: elapsed === "never" ? undefined : Number(elapsed),
      neighbourBefore,
      neighbourAfter,
    };
  } finally {
    await kubectl(kubeconfig, ["delete", "pod", "-l", "app=ip-reuse", "--grace-period=0", "--force"], 60_000);
  }
}
