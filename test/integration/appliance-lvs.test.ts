import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { hostExec } from "../../src/host/exec.js";
import { whichOnPath } from "../../src/host/path.js";
import { buildTestImage } from "../helpers/appliance.js";
import { requireRoot } from "../helpers/netns-lab.js";
import type { LabVm } from "../helpers/onegate-lab.js";
import { type BootedVm, QemuLab } from "../helpers/qemu-lab.js";
import { standInApiScript } from "../helpers/stand-in-api.js";

// LVS for real, which the namespace VMs cannot do (this host's kernel has no IP_VS; the image's
// has): two vnf VMs booted from the appliance image with ONEAPP_VNF_LB_BACKEND=lvs, two stand-in
// API servers (HTTPS, /readyz as the VNFs check it) on the service network whose replies route back through the endpoint (LVS-NAT),
// and a client on another network reaching them through the endpoint, across a VNF's crash.
const SKIP = whichOnPath("qemu-system-x86_64") ? false : "qemu-system-x86_64 is not installed";

const VNFS: LabVm[] = [10, 11].map((id) => ({
  id,
  role: "vnf",
  ip: `10.77.0.${id}`,
  mac: `02:00:0a:4d:00:${id.toString(16).padStart(2, "0")}`,
}));
const MASTERS: LabVm[] = [20, 21].map((id) => ({
  id,
  role: "master",
  ip: `10.77.0.${id}`,
  mac: `02:00:0a:4d:00:${id.toString(16)}`,
}));
const ENDPOINT = "10.77.0.100";
const URL = `https://${ENDPOINT}:6443/`;

let lab: QemuLab;
let out: string;
let client: string;
const vms = new Map<number, BootedVm>();

/** One request from the client's network through the endpoint: the answering master's name. */
async function ask(): Promise<string | undefined> {
  const r = await lab.net
    .exec(client)
    .run("curl", ["-sk", "--max-time", "2", URL], { allowFailure: true, timeoutMs: 5000 });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

async function holder(): Promise<LabVm | undefined> {
  for (const vm of VNFS) {
    if (vms.get(vm.id)?.process.exitCode !== null) continue;
    const r = await lab.ssh(vm.ip, "ip -4 -o addr show dev eth0", 15_000);
    if (r.stdout.includes(`inet ${ENDPOINT}/`)) return vm;
  }
  return undefined;
}

before(async () => {
  if (SKIP) return;
  requireRoot();
  out = mkdtempSync(join(tmpdir(), "onekube-image-"));
  const image = await buildTestImage(out);
  lab = new QemuLab();
  await lab.setUp();
  await lab.startOneGate([...VNFS, ...MASTERS]);
  // The stand-in masters answer with their name; their default route is the endpoint, so that
  // replies to other networks pass the VNF that translated the request (LVS-NAT).
  for (const m of MASTERS) {
    const ns = await lab.host(`m${m.id}`, m.ip, ENDPOINT);
    lab.net.start(ns, process.execPath, ["-e", standInApiScript(6443), `master-${m.id}`]);
  }
  // A client on another network, routed to the service network through the lab.
  client = await lab.net.namespace("client");
  await lab.net.link(lab.ns, "cl0", ["10.78.0.1/24"], client, "eth0", ["10.78.0.2/24"]);
  await lab.net.route(client, "default", "10.78.0.1");
  await hostExec.run("ip", ["netns", "exec", lab.ns, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
  for (const vm of VNFS)
    vms.set(
      vm.id,
      await lab.boot(image, vm, { ONEAPP_VNF_LB0_IP: ENDPOINT, ONEAPP_VNF_LB_BACKEND: "lvs" }, { cpus: 1 }),
    );
  await lab.waitFor("both VNFs READY", 12 * 60_000, async () => {
    const ready = new Set(
      lab
        .published()
        .filter((u) => u.set.READY === "YES")
        .map((u) => u.vm),
    );
    return VNFS.every((v) => ready.has(v.id)) ? true : undefined;
  });
});

after(async () => {
  if (SKIP) return;
  await lab?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe("two vnf VMs from the image forwarding the endpoint with LVS", { skip: SKIP }, () => {
  test("both VNFs chose LVS; exactly one holds the endpoint, with every master a real server", async () => {
    for (const vm of VNFS) {
      const facts = Object.assign(
        {},
        ...lab
          .published()
          .filter((u) => u.vm === vm.id)
          .map((u) => u.set),
      );
      assert.equal(facts.ONEKUBE_VNF_LB, "lvs", `VNF ${vm.id}`);
    }
    const held = await lab.waitFor("one VNF holding the endpoint", 60_000, holder);
    const table = await lab.ssh(held.ip, "ipvsadm -Ln");
    assert.match(table.stdout, new RegExp(`TCP\\s+${ENDPOINT.replaceAll(".", "\\.")}:6443`));
    for (const m of MASTERS)
      assert.match(table.stdout, new RegExp(`${m.ip.replaceAll(".", "\\.")}:6443\\s+Masq`));
  });

  test("requests through the endpoint reach every master", async () => {
    const seen = new Set<string>();
    await lab.waitFor("answers from both masters", 90_000, async () => {
      const answer = await ask();
      if (answer) seen.add(answer);
      return seen.size === MASTERS.length ? true : undefined;
    });
    assert.deepEqual([...seen].sort(), MASTERS.map((m) => `master-${m.id}`).sort());
  });

  test("the holder crashes: the other VNF takes the endpoint and requests are answered again", async () => {
    const held = await holder();
    assert.ok(held);
    const other = VNFS.find((v) => v.id !== held.id) as LabVm;
    const crashed = Date.now();
    vms.get(held.id)?.process.kill("SIGKILL"); // the VM's power is cut: no VRRP goodbye
    const answer = await lab.waitFor("an answer through the endpoint after the crash", 60_000, ask);
    const seconds = (Date.now() - crashed) / 1000;
    assert.match(answer, /^master-\d+$/);
    const r = await lab.ssh(other.ip, "ip -4 -o addr show dev eth0; ipvsadm -Ln");
    assert.ok(r.stdout.includes(`inet ${ENDPOINT}/`), r.stdout);
    process.stderr.write(`endpoint answered again ${seconds.toFixed(1)} s after the holder crashed\n`);
  });
});
