import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { isClean, listLeftovers } from "../../src/local/cleanup.js";
import { readCloudInfo, readSnapshot } from "../../src/local/cloud-state.js";
import type { ServiceView } from "../../src/local/status.js";
import { parseContext } from "../../src/params/context.js";
import { ONEKUBE, onekube } from "../helpers/cli.js";

// The local cloud needs root (namespaces, bridges, loop devices): CI runs as root.
let root: string;
// These tests are about the cloud itself: its VMs carry no Kubernetes (the e2e tests do).
const env = () => ({ ONEKUBE_ROOT: root, ONEKUBE_NODE_RUNTIME: "none" });
const run = (args: string[]) => onekube(args, env());

async function status(name: string): Promise<ServiceView> {
  const r = await run(["status", name, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { service: ServiceView }).service;
}

/** Runs a script inside a VM with the node of the host (the VM shares the host's files). */
async function inVm(name: string, vm: number, script: string) {
  const r = await run([
    "exec",
    name,
    String(vm),
    "--",
    process.execPath,
    "--input-type=module",
    "-e",
    script,
  ]);
  return r;
}

before(async () => {
  assert.equal(process.getuid?.(), 0, "the local cloud tests need root (namespaces, bridges, loop devices)");
  root = await mkdtemp(join(tmpdir(), "onekube-e2e-"));
});
after(async () => {
  for (const name of ["e2e", "e2ef", "e2ek"]) await run(["down", name]);
  await rm(root, { recursive: true, force: true });
});

describe("onekube up: the default service on the local cloud (minimal agent)", () => {
  test("reaches RUNNING with 2 vnf, 3 master, 2 worker, 3 storage, deployed in parent order", async () => {
    // GIVEN nothing WHEN the default service is brought up
    const r = await run(["up", "--name", "e2e"]);
    // THEN it is RUNNING with the reference's role sizes
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /onekube: RUNNING after/);
    const view = await status("e2e");
    assert.equal(view.state, "RUNNING");
    assert.deepEqual(
      view.roles.map((x) => [x.name, x.vms.length]),
      [
        ["vnf", 2],
        ["master", 3],
        ["worker", 2],
        ["storage", 3],
      ],
    );
    // AND, from the recorded timestamps, each role's VMs were created only after every VM of its parents was READY
    const snapshot = readSnapshot(root, "e2e");
    assert.ok(snapshot);
    const vms = new Map(snapshot.vms.map((vm) => [vm.id, vm]));
    const seqOf = (id: number, state: string) =>
      vms.get(id)?.history.find((h) => h.state === state)?.seq ?? Number.NaN;
    const ids = (role: string) => view.roles.find((x) => x.name === role)?.vms.map((v) => v.id) ?? [];
    const lastReady = (role: string) => Math.max(...ids(role).map((id) => seqOf(id, "READY")));
    const firstCreated = (role: string) => Math.min(...ids(role).map((id) => seqOf(id, "PENDING")));
    assert.ok(firstCreated("master") > lastReady("vnf"), "masters were created before every vnf was READY");
    assert.ok(
      firstCreated("worker") > lastReady("master"),
      "workers were created before every master was READY",
    );
    assert.ok(
      firstCreated("storage") > lastReady("master"),
      "storage was created before every master was READY",
    );
  });

  test("each VM sees its own context, hostname and address", async () => {
    const view = await status("e2e");
    for (const vm of view.roles.flatMap((x) => x.vms)) {
      const r = await run([
        "exec",
        "e2e",
        String(vm.id),
        "--",
        "sh",
        "-c",
        "hostname; cat /mnt/context/context.sh",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const [hostname, ...rest] = r.stdout.split("\n");
      const ctx = parseContext(rest.join("\n"));
      assert.equal(ctx.VMID, String(vm.id));
      assert.equal(ctx.ETH0_IP, vm.ip);
      assert.equal(hostname, `onekube-ip-${vm.ip?.replaceAll(".", "-")}`);
      assert.match(ctx.ONEAPP_VNF_LB0_IP ?? "", /^\d+\.\d+\.\d+\.2$/);
    }
  });

  test("OneGate refuses a wrong token, another VM's id and a VM of another service; a master's value reaches a worker", async () => {
    const info = readCloudInfo(root, "e2e");
    assert.ok(info);
    const view = await status("e2e");
    const master = view.roles.find((x) => x.name === "master")?.vms[0];
    const worker = view.roles.find((x) => x.name === "worker")?.vms[0];
    assert.ok(master && worker);
    const token = (
      await run(["exec", "e2e", String(worker.id), "--", "cat", "/mnt/context/token.txt"])
    ).stdout.trim();
    const get = (path: string, vmId: number, tok: string) =>
      fetch(`${info.onegateUrl}${path}`, {
        headers: { "X-ONEGATE-TOKEN": tok, "X-ONEGATE-VMID": String(vmId) },
      });
    // GIVEN the worker's own token WHEN presented wrongly THEN refused
    const wrong = `${token.slice(0, 4)}${token[4] === "A" ? "B" : "A"}${token.slice(5)}`;
    assert.equal((await get("/vm", worker.id, wrong)).status, 401);
    assert.equal((await get("/vm", master.id, token)).status, 401);
    assert.equal((await get("/vm", worker.id, token)).status, 200);
    assert.equal((await get("/vms/99999", worker.id, token)).status, 400);
    // WHEN the master publishes a value from inside its VM
    const publish = `const fs=await import("node:fs");const c=fs.readFileSync("/mnt/context/context.sh","utf8");const v=(k)=>c.match(new RegExp(k+"='([^']*)'"))[1];
      const r=await fetch(v("ONEGATE_ENDPOINT")+"/vm",{method:"PUT",headers:{"X-ONEGATE-TOKEN":fs.readFileSync("/mnt/context/token.txt","utf8").trim(),"X-ONEGATE-VMID":v("VMID"),"Content-Type":"application/x-www-form-urlencoded"},body:"data=E2E_MARK%3Dfrom-master&type=1"});console.log(r.status);`;
    const put = await inVm("e2e", master.id, publish);
    assert.equal(put.stdout.trim(), "200", put.stderr);
    // THEN the worker reads it through OneGate, from inside its VM
    const read = `const fs=await import("node:fs");const c=fs.readFileSync("/mnt/context/context.sh","utf8");const v=(k)=>c.match(new RegExp(k+"='([^']*)'"))[1];
      const r=await fetch(v("ONEGATE_ENDPOINT")+"/vms/${master.id}",{headers:{"X-ONEGATE-TOKEN":fs.readFileSync("/mnt/context/token.txt","utf8").trim(),"X-ONEGATE-VMID":v("VMID")}});console.log((await r.json()).VM.USER_TEMPLATE.E2E_MARK);`;
    const got = await inVm("e2e", worker.id, read);
    assert.equal(got.stdout.trim(), "from-master", got.stderr);
  });

  test("scale worker 4 then 1: namespaces and status follow, through SCALING", async () => {
    const namespaces = async () =>
      (await execa("ip", ["netns", "list"])).stdout.split("\n").filter((l) => l.startsWith("onekube-e2e-"))
        .length;
    assert.equal(await namespaces(), 10);
    const up = await run(["scale", "e2e", "worker", "4"]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /worker: SCALING/);
    assert.equal((await status("e2e")).roles.find((x) => x.name === "worker")?.vms.length, 4);
    assert.equal(await namespaces(), 12);
    // The service rests in COOLDOWN after a scale; OneFlow refuses another scale until it ends,
    // so `scale` waits it out instead of failing.
    const down = await run(["scale", "e2e", "worker", "1"]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /is in COOLDOWN after its last scale; waiting for it to end/);
    assert.match(down.stdout, /worker: SCALING/);
    const workers = (await status("e2e")).roles.find((x) => x.name === "worker")?.vms ?? [];
    assert.equal(workers.length, 1);
    assert.equal(await namespaces(), 9);
  });

  test("disk resize grows a storage VM's disk, seen at once inside the VM", async () => {
    const storage = (await status("e2e")).roles.find((x) => x.name === "storage")?.vms[0];
    assert.ok(storage);
    const size = async () =>
      Number(
        (
          await run(["exec", "e2e", String(storage.id), "--", "blockdev", "--getsize64", "/dev/vdb"])
        ).stdout.trim(),
      );
    assert.equal(await size(), 10240 * 1024 * 1024);
    const r = await run(["disk", "resize", "e2e", String(storage.id), "12G"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await size(), 12 * 1024 * 1024 * 1024);
    const shrink = await run(["disk", "resize", "e2e", String(storage.id), "1G"]);
    assert.equal(shrink.code, 2);
    assert.match(shrink.stderr, /shrinking .* is not supported/);
  });

  test("down removes every namespace, link, loop device, mount and process", async () => {
    const r = await run(["down", "e2e"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(isClean(await listLeftovers(root, "e2e")));
    assert.equal((await run(["status", "--json"])).stdout.trim(), "[]");
  });
});

describe("failures", () => {
  test("a role whose agent fails ends FAILED_DEPLOYING with the failing VM and its error in status", async () => {
    const agent = JSON.stringify(["sh", "-c", "echo 'keepalived: cannot bind the endpoint' >&2; exit 3"]);
    const r = await run(["up", "--name", "e2ef", "--agent", agent]);
    assert.notEqual(r.code, 0);
    const view = await status("e2ef");
    assert.equal(view.state, "FAILED_DEPLOYING");
    assert.equal(view.roles.find((x) => x.name === "vnf")?.state, "FAILED_DEPLOYING");
    const failed = view.roles.flatMap((x) => x.vms).filter((vm) => vm.error);
    assert.ok(failed.length >= 1);
    assert.match(failed[0]?.error ?? "", /exit status 3[\s\S]*cannot bind the endpoint/);
    const text = await run(["status", "e2ef"]);
    assert.match(text.stdout, /ERRORS\n {2}VM \d+ vnf_\d_\(service_\d+\): .*exit status 3/);
    assert.equal((await run(["down", "e2ef"])).code, 0);
    assert.ok(isClean(await listLeftovers(root, "e2ef")));
  });

  test("after kill -9 of the daemon mid-deploy, down leaves nothing behind", async () => {
    // GIVEN a deploy slowed down so that the daemon dies in the middle of it
    const agent = JSON.stringify(["sh", "-c", `sleep 2; exec ${process.execPath} ${ONEKUBE} agent`]);
    const up = execa("node", [ONEKUBE, "up", "--name", "e2ek", "--agent", agent], {
      env: env(),
      reject: false,
    });
    let info = readCloudInfo(root, "e2ek");
    for (
      let i = 0;
      i < 100 && (info === undefined || (readSnapshot(root, "e2ek")?.vms.length ?? 0) < 3);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
      info = readCloudInfo(root, "e2ek");
    }
    assert.ok(info, "the daemon never came up");
    // WHEN the daemon and `up` are killed with SIGKILL
    process.kill(info.pid, "SIGKILL");
    up.kill("SIGKILL");
    await up;
    const before = await listLeftovers(root, "e2ek");
    assert.ok(before.namespaces.length >= 2, "the test must kill a deploy that had created VMs");
    // THEN down still removes everything
    const down = await run(["down", "e2ek"]);
    assert.equal(down.code, 0, down.stderr);
    const left = await listLeftovers(root, "e2ek");
    assert.ok(isClean(left), JSON.stringify(left));
  });
});
