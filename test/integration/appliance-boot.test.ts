import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { whichOnPath } from "../../src/host/path.js";
import { nodeName } from "../../src/render/names.js";
import { buildTestImage } from "../helpers/appliance.js";
import { requireRoot } from "../helpers/netns-lab.js";
import type { LabVm } from "../helpers/onegate-lab.js";
import { type BootedVm, QemuLab } from "../helpers/qemu-lab.js";

// The appliance image booted for real: QEMU (TCG here: no hardware KVM), a context CD made as
// OpenNebula makes it, one NIC on a tap in a bridge inside the lab's namespace, where the
// embedded OneGate listens. Nothing is stubbed: the image's systemd runs onekube's units.
const qemu = whichOnPath("qemu-system-x86_64");
const SKIP = qemu ? false : "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)";

const VNF: LabVm = { id: 10, role: "vnf", ip: "10.77.0.10", mac: "02:00:0a:4d:00:0a" };
const MASTERS: LabVm[] = [20, 21, 22].map((id) => ({
  id,
  role: "master",
  ip: `10.77.0.${id}`,
  mac: `02:00:0a:4d:00:${id.toString(16)}`,
}));
const ENDPOINT = "10.77.0.100";

let lab: QemuLab;
let out: string;
let vm: BootedVm;

before(async () => {
  if (SKIP) return;
  requireRoot();
  out = mkdtempSync(join(tmpdir(), "onekube-image-"));
  const image = await buildTestImage(out);
  lab = new QemuLab();
  await lab.setUp();
  await lab.startOneGate([VNF, ...MASTERS]);
  vm = await lab.boot(image, VNF, { ONEAPP_VNF_LB0_IP: ENDPOINT });
  await lab.waitFor(`SSH on VM ${VNF.id} (serial console: ${vm.serialLog})`, 8 * 60_000, async () => {
    const r = await lab.ssh(VNF.ip, "true", 15_000);
    return r.exitCode === 0 ? true : undefined;
  });
});

after(async () => {
  if (SKIP) return;
  await lab?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

const sh = async (command: string) => {
  const r = await lab.ssh(VNF.ip, command);
  assert.equal(r.exitCode, 0, `${command}: ${r.stderr}`);
  return r.stdout.trim();
};

describe("the appliance image under QEMU, contextualized from an OpenNebula context CD", {
  skip: SKIP,
}, () => {
  test("the VM took ETH0's address, mask and gateway from the context", async () => {
    assert.match(
      await sh("ip -4 -o addr show dev eth0"),
      new RegExp(`inet ${VNF.ip.replaceAll(".", "\\.")}/24 `),
    );
    assert.match(await sh("ip -4 route show default"), /default via 10\.77\.0\.1 dev eth0/);
    const ping = await lab.net
      .exec(lab.ns)
      .run("ping", ["-c", "1", "-W", "2", VNF.ip], { allowFailure: true });
    assert.equal(ping.exitCode, 0, "the VM answers on its context address from the lab");
  });

  test("its host name is the node name made from that address", async () => {
    assert.equal(await sh("hostname"), nodeName(VNF.ip));
  });

  test("root logs in over SSH with the context's key, and with nothing else", async () => {
    assert.equal(await sh("id -un"), "root");
    assert.match(await sh("cat /root/.ssh/authorized_keys"), /onekube-qemu-lab/);
    assert.match(await sh("sshd -T | grep -i '^passwordauthentication'"), /no/);
  });

  test("the agent reached OneGate with the VM's token and published its facts", async () => {
    const facts = () =>
      Object.assign(
        {},
        ...lab
          .published()
          .filter((u) => u.vm === VNF.id)
          .map((u) => u.set),
      ) as Record<string, string>;
    await lab.waitFor("READY=YES from the vnf VM", 5 * 60_000, async () =>
      facts().READY === "YES" ? true : undefined,
    );
    assert.equal(facts().ONEKUBE_VNF_LB, "haproxy");
    // The only VNF of its service: keepalived's state settles on MASTER, and the agent says so.
    await lab.waitFor("VRRP state MASTER on OneGate", 60_000, async () =>
      facts().ONEKUBE_VRRP_STATE === "MASTER" ? true : undefined,
    );
  });

  test("the vnf VM holds ONEAPP_VNF_LB0_IP with keepalived from the image", async () => {
    assert.match(
      await sh("ip -4 -o addr show dev eth0"),
      new RegExp(`inet ${ENDPOINT.replaceAll(".", "\\.")}/`),
    );
    assert.equal(await sh("readlink /proc/$(pgrep -o keepalived)/exe"), "/usr/sbin/keepalived");
    const ping = await lab.net
      .exec(lab.ns)
      .run("ping", ["-c", "1", "-W", "2", ENDPOINT], { allowFailure: true });
    assert.equal(ping.exitCode, 0, "the endpoint answers from the lab");
  });

  test("the boot had no ordering cycle and no failed unit of onekube's", async () => {
    assert.equal(await sh("journalctl -b --no-pager | grep -c 'ordering cycle' || true"), "0");
    assert.equal(
      await sh("systemctl is-active onekube-contextualize.service onekube-agent.service"),
      "active\nactive",
    );
  });

  test("contextualization run again changes nothing, and the image is clean for cloning", async () => {
    const report = JSON.parse(await sh("onekube contextualize --json")) as {
      steps: { name: string; outcome: string }[];
    };
    assert.ok(report.steps.length >= 4, JSON.stringify(report));
    for (const s of report.steps) assert.notEqual(s.outcome, "changed", `${s.name} changed on a second run`);
    assert.equal(await sh("test -e /context && echo yes || echo no"), "no");
    assert.equal(
      await sh("dpkg -l cloud-init 2>/dev/null | grep -q '^ii' && echo installed || echo absent"),
      "absent",
    );
    assert.equal(await sh("swapon --show --noheadings | wc -l"), "0");
    assert.match(await sh("cat /etc/machine-id"), /^[0-9a-f]{32}$/);
  });

  test("a reboot re-runs contextualization, which changes nothing, and the agent is READY again", async () => {
    const bootId = await sh("cat /proc/sys/kernel/random/boot_id");
    await lab.ssh(VNF.ip, "systemctl reboot", 15_000); // the connection may drop before an answer
    await lab.waitFor("the VM back after its reboot", 8 * 60_000, async () => {
      const r = await lab.ssh(VNF.ip, "cat /proc/sys/kernel/random/boot_id", 15_000);
      return r.exitCode === 0 && r.stdout.trim() !== bootId ? true : undefined;
    });
    const log = await sh("journalctl -b -u onekube-contextualize -o cat");
    const outcomes = [...log.matchAll(/^\[(\w+)\] (changed|unchanged) in/gm)];
    assert.ok(outcomes.length >= 4, log);
    for (const m of outcomes) assert.equal(m[2], "unchanged", `${m[1]} changed at the reboot:\n${log}`);
    await lab.waitFor("keepalived MASTER again", 3 * 60_000, async () => {
      const r = await lab.ssh(VNF.ip, "ip -4 -o addr show dev eth0", 15_000);
      return r.stdout.includes(`inet ${ENDPOINT}/`) ? true : undefined;
    });
  });
});
