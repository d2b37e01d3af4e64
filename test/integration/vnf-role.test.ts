import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { OneFlowClient } from "../../src/flow/client.js";
import { readCloudInfo, readSnapshot } from "../../src/local/cloud-state.js";
import { serviceViews } from "../../src/local/status.js";
import { userInputValues } from "../../src/service/template.js";
import { onekube } from "../helpers/cli.js";
import {
  clientLoop,
  haproxyBackends,
  holders,
  roleVms,
  standInServer,
  statusOf,
  stopKeepalived,
  waitFor,
} from "../helpers/vnf.js";

// Real keepalived and HAProxy in namespace VMs (this kernel has no IP_VS, so `auto` is HAProxy).
let root: string;
let env: Record<string, string>;
const NAME = "vnfe";
const servers: ReturnType<typeof standInServer>[] = [];

before(async () => {
  assert.equal(process.getuid?.(), 0, "the vnf tests need root");
  root = await mkdtemp(join(tmpdir(), "onekube-vnf-"));
  // The masters are stand-ins here (they must not run a real API server on 6443).
  env = { ONEKUBE_ROOT: root, ONEKUBE_NODE_RUNTIME: "none" };
  const up = await onekube(
    [
      "up",
      "--name",
      NAME,
      "--set",
      "ONEAPP_VNF_LB_REFRESH_RATE=2",
      "--role-size",
      "worker=1",
      "--cooldown",
      "1",
    ],
    env,
  );
  assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
});
after(async () => {
  for (const s of servers) s.kill("SIGKILL");
  await onekube(["down", NAME], env);
  await onekube(["down", "vnfb"], env);
  await onekube(["down", "vnfo"], env);
  await rm(root, { recursive: true, force: true });
});

const endpoint = () => {
  const info = readCloudInfo(root, NAME);
  assert.ok(info);
  return info.network.gateway.replace(/\.1$/, ".2");
};

describe("vnf role: keepalived + HAProxy holding the endpoint", () => {
  test("exactly one VNF holds the endpoint, and status shows the load balancer chosen", async () => {
    const view = await statusOf(env, NAME);
    const vnfs = roleVms(view, "vnf").map((v) => v.id);
    assert.equal((await holders(env, NAME, vnfs, endpoint())).length, 1);
    const text = await onekube(["status", NAME], env);
    assert.match(text.stdout, /haproxy/);
    assert.match(text.stdout, /MASTER/);
    assert.match(text.stdout, /BACKUP/);
  });

  test("a client keeps getting answers across a VNF failover and a master's death", async (t) => {
    // GIVEN a stand-in API server on every master VM, reachable through the endpoint
    const view = await statusOf(env, NAME);
    const masters = roleVms(view, "master");
    for (const m of masters) servers.push(standInServer(env, NAME, m.id, 6443));
    const vip = endpoint();
    await waitFor("the endpoint to answer", 20_000, async () =>
      (await import("../helpers/vnf.js")).probe(vip, 6443),
    );
    const client = clientLoop(vip, 6443);
    await new Promise((r) => setTimeout(r, 1000));
    // WHEN keepalived stops on the VNF holding the endpoint
    const vnfs = roleVms(view, "vnf").map((v) => v.id);
    const [holder] = await holders(env, NAME, vnfs, vip);
    assert.ok(holder !== undefined);
    const started = Date.now();
    await stopKeepalived(env, NAME, holder);
    const other = await waitFor("the other VNF to take the endpoint", 15_000, async () => {
      const now = await holders(env, NAME, vnfs, vip);
      return now.length === 1 && now[0] !== holder ? now[0] : undefined;
    });
    const failoverMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, 1500));
    // AND one master's API server dies
    servers[0]?.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 4000));
    const stats = await client.stop();
    t.diagnostic(
      `failover to VNF ${other} in ${failoverMs} ms; client: ${stats.ok} ok, ${stats.failed} failed; answered by ${[...stats.answeredBy].join(", ")}`,
    );
    // THEN one VNF holds the endpoint, and the client kept succeeding
    assert.equal((await holders(env, NAME, vnfs, vip)).length, 1);
    assert.ok(failoverMs < 10_000, `failover took ${failoverMs} ms`);
    assert.ok(stats.ok > 50, `only ${stats.ok} answers`);
    assert.ok(
      stats.failed <= Math.max(5, stats.ok * 0.1),
      `${stats.failed} failed attempts of ${stats.ok + stats.failed}`,
    );
    assert.equal(stats.answeredBy.size, 3, "every master answered at some point");
  });

  test("scale master 3 -> 5 -> 3: the backends follow within the refresh rate", async (t) => {
    const vnf = roleVms(await statusOf(env, NAME), "vnf")[0]?.id ?? 0;
    const scaleTo = async (n: number) => {
      let r = await onekube(["scale", NAME, "master", String(n)], env);
      for (let i = 0; i < 30 && r.code !== 0 && /COOLDOWN/.test(r.stderr); i++) {
        await new Promise((res) => setTimeout(res, 500));
        r = await onekube(["scale", NAME, "master", String(n)], env);
      }
      assert.equal(r.code, 0, r.stderr);
      const settled = Date.now();
      const want = roleVms(await statusOf(env, NAME), "master")
        .map((m) => m.ip ?? "")
        .sort();
      assert.equal(want.length, n);
      await waitFor(`${n} backends on VNF ${vnf}`, 2 * 2000 + 3000, async () =>
        JSON.stringify(await haproxyBackends(env, NAME, vnf)) === JSON.stringify(want) ? true : undefined,
      );
      return Date.now() - settled;
    };
    const up = await scaleTo(5);
    const down = await scaleTo(3);
    t.diagnostic(`backends followed in ${up} ms (3 -> 5) and ${down} ms (5 -> 3) after the scale settled`);
  });
});

describe("vnf role: bad input fails the VM, clearly, with nothing half-configured", () => {
  test("an endpoint outside the VM network", async () => {
    const r = await onekube(
      ["up", "--name", "vnfb", "--set", "ONEAPP_VNF_LB0_IP=10.99.0.5", "--cidr", "172.31.250.0/24"],
      env,
    );
    assert.notEqual(r.code, 0);
    const view = await statusOf(env, "vnfb");
    assert.equal(view.state, "FAILED_DEPLOYING");
    const failed = roleVms(view, "vnf").filter((v) => v.error);
    assert.ok(failed.length > 0);
    assert.match(
      failed[0]?.error ?? "",
      /ONEAPP_VNF_LB0_IP="10\.99\.0\.5" is outside this VM's network 172\.31\.250\.0\/24/,
    );
    const inside = await onekube(
      [
        "exec",
        "vnfb",
        String(failed[0]?.id),
        "--",
        "sh",
        "-c",
        "ls /var/lib/onekube/vnf /run/onekube/keepalived.pid 2>&1; true",
      ],
      env,
    );
    assert.match(inside.stdout, /No such file/);
    assert.doesNotMatch(inside.stdout, /keepalived\.conf/);
    assert.equal((await onekube(["down", "vnfb"], env)).code, 0);
  });

  test("ONEAPP_VNF_LB_REFRESH_RATE=0 given straight to OneFlow (as Sunstone would)", async () => {
    // `onekube up` refuses it before deploying anything; a OneFlow user gets a failed VM instead.
    const info = readCloudInfo(root, NAME);
    assert.ok(info);
    const vip = endpoint().replace(/\.2$/, ".3");
    const doc = await new OneFlowClient(info.oneflow).instantiate(info.templateId, {
      user_inputs_values: userInputValues({ ONEAPP_VNF_LB0_IP: vip }, "service"),
      roles: [
        { name: "vnf", user_inputs_values: userInputValues({ ONEAPP_VNF_LB_REFRESH_RATE: "0" }, "vnf") },
        { name: "storage", user_inputs_values: userInputValues({}, "storage") },
      ],
    });
    const id = Number(doc.DOCUMENT.ID);
    const view = await waitFor("the second service to fail", 30_000, async () => {
      const v = serviceViews(readSnapshot(root, NAME) ?? ({ services: [], vms: [] } as never)).find(
        (s) => s.id === id,
      );
      return v?.state === "FAILED_DEPLOYING" ? v : undefined;
    });
    const failed = roleVms(view, "vnf").find((v) => v.error);
    assert.match(
      failed?.error ?? "",
      /^validate-params: 1 invalid parameter:\nerror: ONEAPP_VNF_LB_REFRESH_RATE="0": expected a whole number of at least 1/,
    );
    const json = JSON.parse((await onekube(["status", NAME, "--json"], env)).stdout) as {
      services: { id: number; state: string }[];
    };
    assert.equal(json.services.find((s) => s.id === id)?.state, "FAILED_DEPLOYING");
  });
});

describe("vnf role: the optional functions, when enabled", () => {
  test("DNS (unbound), NAT4 and ROUTER4 run on the VNFs of a service that asks for them", async () => {
    const r = await onekube(
      [
        "up",
        "--name",
        "vnfo",
        "--role-size",
        "worker=1",
        "--set",
        "ONEAPP_VNF_DNS_ENABLED=YES",
        "--set",
        "ONEAPP_VNF_NAT4_ENABLED=YES",
        "--set",
        "ONEAPP_VNF_NAT4_INTERFACES_OUT=eth0",
        "--set",
        "ONEAPP_VNF_ROUTER4_ENABLED=YES",
      ],
      env,
    );
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const vnf = roleVms(await statusOf(env, "vnfo"), "vnf")[0]?.id ?? 0;
    const sh = async (cmd: string) =>
      (await onekube(["exec", "vnfo", String(vnf), "--", "sh", "-c", cmd], env)).stdout;
    assert.match(await sh("nft list table ip onekube_nat4"), /oifname "eth0" masquerade/);
    assert.equal((await sh("cat /proc/sys/net/ipv4/ip_forward")).trim(), "1");
    // unbound listens on port 53 (0x0035) of this VM's network namespace
    assert.match(await sh("cat /proc/net/udp"), /:0035 /);
    assert.equal((await onekube(["down", "vnfo"], env)).code, 0);
  });
});
