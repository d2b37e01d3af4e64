/**
 * The namespace VM driver against the real kernel: real network namespaces, bridge, nftables,
 * loop devices and mounts. Needs root (CI runs as root); without it every test fails in
 * `before` with the reason. Only addresses of networks these tests create are ever used.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { hostExec } from "../../src/host/exec.js";
import { cleanupService, isClean, listLeftovers } from "../../src/local/cleanup.js";
import type { VmExit, VmHandle } from "../../src/local/driver.js";
import { namespaceName, vethName, vmDir } from "../../src/local/names.js";
import { NetnsDriver } from "../../src/local/netns-driver.js";
import { assertLocalCloud, onPath } from "../../src/local/preflight.js";
import { chooseSubnet, hostPrefixes } from "../../src/local/subnet.js";
import { parseContext } from "../../src/params/context.js";
import { workerSpec } from "../helpers/local-vm.js";

/** Service keys unique to this run (1 letter + the pid in base 36), so a crashed run never collides. */
const key = (letter: string) => `${letter}${(process.pid % 36 ** 3).toString(36)}`;
const MIB = 1024 * 1024;
const EMPTY = {
  namespaces: [],
  links: [],
  nftTables: [],
  loopDevices: [],
  mounts: [],
  processes: [],
  paths: [],
  cgroups: [],
};
let root: string;
const timings: string[] = [];

const spec = workerSpec;

/** Opens a service whose agents sleep (or crash, for the role "crash"). */
function openService(service: string) {
  return NetnsDriver.open({
    root,
    service,
    stopGraceMs: 500,
    agent: (s) =>
      s.role === "crash"
        ? ["sh", "-c", "echo starting; echo 'fatal: cannot reach OneGate' >&2; exit 3"]
        : ["sleep", "600"],
  });
}

const ping = (ns: string, ip: string) =>
  execa("ip", ["netns", "exec", ns, "ping", "-c1", "-W1", ip], { reject: false }).then((r) => r.exitCode);

before(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "local-driver tests create network namespaces, bridges and loop devices: run them as root",
    );
  }
  await assertLocalCloud();
  for (const [program, pkg] of [
    ["ping", "iputils-ping"],
    ["mkfs.ext4", "e2fsprogs"],
    ["blkid", "util-linux"],
  ]) {
    if (!onPath(program ?? "")) throw new Error(`local-driver tests need ${program}: apt-get install ${pkg}`);
  }
  root = mkdtempSync(join(tmpdir(), "onekube-local-"));
});
after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("two VMs on one bridge", () => {
  let driver: NetnsDriver;
  let a: VmHandle;
  let b: VmHandle;
  const service = key("n");
  after(() => cleanupService(root, service, { graceMs: 200 }));
  before(async () => {
    driver = await openService(service);
    const t0 = Date.now();
    a = await driver.create(spec(1));
    const t1 = Date.now();
    b = await driver.create(spec(2));
    timings.push(`VM create: ${t1 - t0} ms, ${Date.now() - t1} ms`);
  });

  test("reach each other and their gateway, and nothing outside their network", async (t) => {
    for (const line of timings) t.diagnostic(line);
    // GIVEN an "outside" network made for this test: a namespace behind a veth on the host
    const out = chooseSubnet(await hostPrefixes(hostExec));
    const [p1, p2, p3] = out.address.split(".");
    const hostSide = `${p1}.${p2}.${p3}.1`;
    const farSide = `${p1}.${p2}.${p3}.2`;
    const outNs = `okbtest-${service}`;
    const outLink = `okbt${service}`;
    t.after(async () => {
      await execa("ip", ["link", "del", outLink], { reject: false });
      await execa("ip", ["netns", "del", outNs], { reject: false });
    });
    await execa("ip", ["netns", "add", outNs]);
    await execa("ip", ["link", "add", outLink, "type", "veth", "peer", "name", "eth0", "netns", outNs]);
    await execa("ip", ["addr", "add", `${hostSide}/24`, "dev", outLink]);
    await execa("ip", ["link", "set", outLink, "up"]);
    await execa("ip", ["-n", outNs, "addr", "add", `${farSide}/24`, "dev", "eth0"]);
    await execa("ip", ["-n", outNs, "link", "set", "eth0", "up"]);
    await execa("ip", ["-n", outNs, "route", "add", "default", "via", hostSide]);
    assert.equal(await ping(outNs, hostSide), 0, "the outside network itself works");

    // WHEN the VMs ping each other, the gateway, and the outside network
    const nsA = namespaceName(service, 1);
    const nsB = namespaceName(service, 2);
    // THEN the bridge carries their traffic and the gateway answers
    assert.equal(await ping(nsA, b.nic.ip), 0, "VM 1 -> VM 2");
    assert.equal(await ping(nsB, a.nic.ip), 0, "VM 2 -> VM 1");
    assert.equal(await ping(nsA, driver.network.gateway), 0, "VM 1 -> gateway");
    // AND neither the host's other addresses nor anything routed beyond them are reachable
    assert.notEqual(await ping(nsA, hostSide), 0, "VM 1 must not reach the host outside its network");
    assert.notEqual(await ping(nsA, farSide), 0, "VM 1 must not be forwarded outside its network");
  });

  test("each VM sees its own context, token, hostname and /etc/kubernetes", async () => {
    for (const [id, vm] of [
      [1, a],
      [2, b],
    ] as const) {
      // GIVEN a VM WHEN it reads the context CD and asks its hostname
      const ctx = parseContext((await driver.exec(id, ["cat", "/mnt/context/context.sh"])).stdout);
      const token = await driver.exec(id, ["cat", "/mnt/context/token.txt"]);
      const hostname = await driver.exec(id, ["hostname"]);
      // THEN all of it is its own
      assert.equal(ctx.VMID, String(id));
      assert.equal(ctx.ETH0_IP, vm.nic.ip);
      assert.equal(ctx.ETH0_MAC, vm.nic.mac);
      assert.equal(ctx.ETH0_GATEWAY, driver.network.gateway);
      assert.equal(ctx.ONEGATE_ENDPOINT, `http://${driver.network.gateway}:5030`);
      assert.equal(token.stdout, `token-${id}`);
      assert.equal(hostname.stdout, vm.hostname);
      assert.equal(vm.hostname, `onekube-ip-${vm.nic.ip.replaceAll(".", "-")}`);
    }
    // WHEN VM 1 writes into /etc/kubernetes
    const write = await driver.exec(1, ["sh", "-c", "echo one > /etc/kubernetes/onekube-test"]);
    assert.equal(write.exitCode, 0, write.stderr);
    // THEN VM 2 and the host do not see it; it lives in VM 1's state directory
    assert.equal((await driver.exec(2, ["test", "-e", "/etc/kubernetes/onekube-test"])).exitCode, 1);
    assert.ok(!existsSync("/etc/kubernetes/onekube-test"));
    const stored = join(vmDir(root, service, 1), "root", "etc", "kubernetes", "onekube-test");
    assert.equal(readFileSync(stored, "utf8"), "one\n");
    // AND the context CD is read-only, as a CD is
    assert.notEqual((await driver.exec(1, ["touch", "/mnt/context/x"])).exitCode, 0);
  });

  test("an explicit network that collides with this one is refused and nothing is created", async (t) => {
    const other = key("c");
    t.after(() => cleanupService(root, other));
    const cidr = `${driver.network.cidr.address}/${driver.network.cidr.prefix}`;
    await assert.rejects(NetnsDriver.open({ root, service: other, cidr }), /collides with .*okb-n/);
    assert.equal((await execa("ip", ["link", "show", `okb-${other}`], { reject: false })).exitCode, 1);
  });
});

test("a VM with a disk sees a block device at /dev/vdb that mkfs, blkid and resize work on", async (t) => {
  t.after(() => cleanupService(root, key("d"), { graceMs: 200 }));
  const driver = await openService(key("d"));
  // GIVEN a storage VM with a 64 MiB disk
  const vm = await driver.create(spec(5, { role: "storage", disk: { sizeMb: 64 } }));
  const size = async () => Number((await driver.exec(5, ["blockdev", "--getsize64", "/dev/vdb"])).stdout);
  // THEN it is a block device of that size inside the VM, and the host has no /dev/vdb of ours
  assert.equal((await driver.exec(5, ["test", "-b", "/dev/vdb"])).exitCode, 0);
  assert.equal(await size(), 64 * MIB);
  assert.ok(vm.loopDevice?.startsWith("/dev/loop"));
  // WHEN it is formatted THEN blkid sees ext4
  const mkfs = await driver.exec(5, ["mkfs.ext4", "-q", "-F", "/dev/vdb"]);
  assert.equal(mkfs.exitCode, 0, mkfs.stderr);
  assert.equal((await driver.exec(5, ["blkid", "-o", "value", "-s", "TYPE", "/dev/vdb"])).stdout, "ext4");
  // WHEN the disk is resized THEN the VM sees the new size at once
  await driver.resizeDisk(5, 96);
  assert.equal(await size(), 96 * MIB);
  // AND a filesystem mounted inside the VM does not keep its loop device after destroy
  const mount = await driver.exec(5, [
    "sh",
    "-c",
    "mkdir -p /run/onekube/data && mount /dev/vdb /run/onekube/data",
  ]);
  assert.equal(mount.exitCode, 0, mount.stderr);
  await driver.destroy(5);
  const loops = await execa("losetup", ["--list", "--noheadings", "--output", "NAME"]);
  assert.ok(!loops.stdout.split("\n").includes(vm.loopDevice ?? ""), `${vm.loopDevice} still attached`);
  await driver.close();
  assert.deepEqual(await listLeftovers(root, key("d")), EMPTY);
});

test("an agent that exits 3 is reported through onExit with its code and log tail", async (t) => {
  t.after(() => cleanupService(root, key("x"), { graceMs: 200 }));
  const driver = await openService(key("x"));
  const exits: VmExit[] = [];
  const reported = new Promise<VmExit>((resolve) => driver.onExit((e) => resolve(e)));
  driver.onExit((e) => exits.push(e));
  // GIVEN a VM whose agent fails at once
  await driver.create(spec(7, { role: "crash" }));
  // WHEN it exits THEN the driver reports it, and does not restart it
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    reported,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no onExit within 10 s")), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
  assert.equal(exit.id, 7);
  assert.equal(exit.code, 3);
  assert.equal(exit.signal, null);
  assert.match(exit.logTail, /starting\nfatal: cannot reach OneGate/);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(exits.length, 1);
  // AND the VM stays up without its agent, as a real VM does when its appliance script fails
  assert.equal((await driver.exec(7, ["hostname"])).stdout, driver.vm(7)?.hostname);
  // AND destroying it reports nothing more
  await driver.destroy(7);
  assert.equal(exits.length, 1);
  await driver.close();
});

test("destroy removes the VM's namespace, link, disk, processes and state; twice is fine", async (t) => {
  const service = key("r");
  t.after(() => cleanupService(root, service, { graceMs: 200 }));
  const driver = await openService(service);
  // GIVEN a VM with a disk and a process of its own besides the agent
  const vm = await driver.create(spec(9, { disk: { sizeMb: 16 } }));
  await driver.exec(9, ["sh", "-c", "setsid sleep 600 >/dev/null 2>&1 < /dev/null &"]);
  // WHEN it is destroyed
  const t0 = Date.now();
  await driver.destroy(9);
  t.diagnostic(`VM destroy: ${Date.now() - t0} ms`);
  // THEN nothing of it is left, only the service network
  const left = await listLeftovers(root, service);
  assert.deepEqual(left.namespaces, []);
  assert.deepEqual(left.links, [`okb-${service}`]);
  assert.deepEqual(left.loopDevices, []);
  assert.deepEqual(left.processes, []);
  assert.deepEqual(left.mounts, []);
  assert.ok(!existsSync(vmDir(root, service, 9)));
  assert.equal((await execa("ip", ["link", "show", vethName(service, 9)], { reject: false })).exitCode, 1);
  assert.equal(driver.vm(9), undefined);
  assert.ok(vm.loopDevice);
  // AND a second destroy is a no-op
  await driver.destroy(9);
  await driver.close();
  assert.ok(isClean(await listLeftovers(root, service)));
});

describe("a creator killed with SIGKILL", () => {
  for (const killAt of ["created 1", "creating 2"]) {
    test(`at "${killAt}" leaves nothing after cleanupService`, async (t) => {
      const service = key(killAt === "created 1" ? "k" : "m");
      t.after(() => cleanupService(root, service, { graceMs: 200 }));
      // GIVEN a process creating two VMs
      const fixture = new URL("./local-creator-fixture.js", import.meta.url).pathname;
      const child = spawn(process.execPath, [fixture, root, service], {
        env: { ...process.env, ONEKUBE_CREATOR_FIXTURE: "1" },
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = new Promise((resolve) => child.once("exit", resolve));
      // WHEN it is killed at that step
      await new Promise<void>((resolve, reject) => {
        let seen = "";
        child.stdout.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes(killAt)) {
            child.kill("SIGKILL");
            resolve();
          }
        });
        child.once("exit", () => reject(new Error(`creator ended before "${killAt}": ${seen}`)));
      });
      await exited;
      // THEN its VMs outlive it (the test proves something)
      const before = await listLeftovers(root, service);
      assert.ok(before.namespaces.includes(namespaceName(service, 1)), JSON.stringify(before));
      assert.equal(before.loopDevices.length, 1);
      assert.ok(before.processes.length > 0);
      // AND cleanupService removes every trace
      await cleanupService(root, service, { graceMs: 200 });
      assert.deepEqual(await listLeftovers(root, service), EMPTY);
    });
  }
});
