/**
 * `onekube contextualize` against the real things this machine has: a context CD made as
 * OpenNebula makes it (xorriso -as mkisofs -V CONTEXT -J -R) on a loop device, found by blkid
 * through its label, mounted read-only and unmounted after; ssh-keygen making host keys in a
 * temporary root. The whole command runs twice: the second run changes nothing. A real growpart
 * cannot run here (loop devices get no partitions): growroot is skipped under --root and its
 * plan is unit-tested (test/unit/appliance/context-growroot.test.ts).
 */
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ContextualizeReport } from "../../src/appliance/context/run.js";
import { hostExec } from "../../src/host/exec.js";
import { formatContext } from "../../src/params/context.js";
import { onekube } from "../helpers/cli.js";
import { requireRoot, tool } from "../helpers/netns-lab.js";

const dir = mkdtempSync(join(tmpdir(), "onekube-ctx-"));
const MAC = "02:00:0a:d5:2f:0b";
const KEYS =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOnekubeTestKeyOne one@test\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOnekubeTestKeyTwo it\'s "two"';
const VARS = {
  ETH0_MAC: MAC.toUpperCase(),
  ETH0_IP: "10.213.47.11",
  ETH0_MASK: "255.255.255.0",
  ETH0_GATEWAY: "10.213.47.1",
  ETH0_DNS: "10.213.47.1",
  ETH0_MTU: "",
  SSH_PUBLIC_KEY: KEYS,
  ONEGATE_ENDPOINT: "http://169.254.16.9:5030",
  VMID: "7",
  TOKEN: "YES",
  NETWORK: "YES",
};
let device = "";
const env = { PATH: `${process.env.PATH ?? ""}:/usr/sbin:/sbin` };

before(async () => {
  requireRoot();
  for (const t of ["blkid", "mount", "losetup", "findmnt"]) tool(t, "util-linux");
  tool("xorriso", "xorriso");
  tool("mkfs.ext4", "e2fsprogs");
  tool("ssh-keygen", "openssh-client");
});
after(async () => {
  if (device) await hostExec.run("losetup", ["--detach", device], { allowFailure: true });
  rmSync(dir, { recursive: true, force: true });
});

const kernelHas = (fs: string) =>
  readFileSync("/proc/filesystems", "utf8")
    .split("\n")
    .some((l) => l.trim() === fs);

/** The context CD's image: ISO 9660 as OpenNebula's core makes it, or ext4 with the same label. */
async function contextCd(kind: "iso" | "ext4"): Promise<string> {
  const cd = join(dir, `cd-${kind}`);
  mkdirSync(cd);
  writeFileSync(join(cd, "context.sh"), formatContext(VARS));
  writeFileSync(join(cd, "token.txt"), "c2VjcmV0LXRva2Vu\n");
  const image = join(dir, `context.${kind}`);
  if (kind === "iso")
    await hostExec.run("xorriso", ["-as", "mkisofs", "-o", image, "-V", "CONTEXT", "-J", "-R", cd]);
  else await hostExec.run("mkfs.ext4", ["-q", "-L", "CONTEXT", "-d", cd, image, "4M"]);
  return image;
}

async function attach(image: string): Promise<string> {
  return (await hostExec.run("losetup", ["--find", "--show", "--read-only", image])).stdout.trim();
}

/** Detaches, and waits until blkid no longer sees the label there (the kernel lets go a moment later). */
async function detach(dev: string): Promise<void> {
  await hostExec.run("losetup", ["--detach", dev]);
  for (let i = 0; i < 50; i++) {
    const r = await hostExec.run("blkid", ["-p", dev], { allowFailure: true });
    if (r.exitCode !== 0) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function contextualize(root: string, ...args: string[]) {
  const r = await onekube(["contextualize", "--root", root, "--json", ...args], env, 60_000);
  assert.equal(r.code, 0, r.stderr);
  return { report: JSON.parse(r.stdout) as ContextualizeReport, log: r.stderr };
}

/** A root with one NIC whose MAC is ETH0_MAC, as /sys shows it. */
function newRoot(name: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, "sys/class/net/eth0"), { recursive: true });
  writeFileSync(join(root, "sys/class/net/eth0/address"), `${MAC}\n`);
  return root;
}

describe("the context CD", { concurrency: false }, () => {
  test("no CD: a clear error naming the label looked for, exit 4", async () => {
    // GIVEN no device labelled CONTEXT (this test attaches its CD only later)
    const r = await onekube(["contextualize", "--root", newRoot("none"), "--cd-wait", "1"], env, 30_000);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /find the context CD: `blkid -c \/dev\/null -l -t LABEL=CONTEXT -o device`/);
    assert.match(r.stderr, /no block device has the file system label CONTEXT after 1 s/);
  });

  test("the CD as OpenNebula makes it (ISO 9660, Joliet, Rock Ridge, label CONTEXT) is found by its label", async () => {
    // GIVEN a context CD made with OpenNebula's own command, on a loop device
    device = await attach(await contextCd("iso"));
    const probe = await hostExec.run("blkid", ["-p", "-o", "export", device]);
    assert.match(probe.stdout, /^TYPE=iso9660$/m);
    assert.match(probe.stdout, /^LABEL=CONTEXT$/m);
    const root = newRoot("iso");
    if (kernelHas("iso9660")) {
      // WHEN contextualize runs THEN it reads the CD (the full path is the next test's)
      const { report } = await contextualize(root);
      assert.equal(report.source.from, device);
    } else {
      // This kernel has no ISO 9660 driver (a VM's Debian kernel has one): the CD is found by its
      // label, the mount is refused by the kernel, and the mount directory is still cleaned up.
      const r = await onekube(["contextualize", "--root", root, "--cd-wait", "5"], env, 60_000);
      assert.match(r.stdout, new RegExp(`\\[context\\] the context CD is ${device}$`, "m"));
      assert.match(r.stderr, /unknown filesystem type 'iso9660'/);
      assert.equal(r.code, 4);
      assert.deepEqual(readdirSync(join(root, "run/onekube")), []);
      console.log("# this kernel cannot mount ISO 9660: the full run below uses an ext4 CD labelled CONTEXT");
    }
    await detach(device);
    device = "";
  });

  test("found by its label, mounted read-only, copied, unmounted; every step runs, then changes nothing", async () => {
    // GIVEN a context CD on a loop device (ISO 9660 where the kernel mounts it, else ext4 labelled CONTEXT)
    device = await attach(await contextCd(kernelHas("iso9660") ? "iso" : "ext4"));
    const root = newRoot("vm");
    // WHEN contextualize runs (under --root: files there, no command that changes this host)
    const first = await contextualize(root);
    // THEN the CD was found by label and read
    assert.equal(first.report.source.from, device);
    assert.equal(first.report.source.outcome, "changed");
    assert.equal(readFileSync(join(root, "run/onekube/context/context.sh"), "utf8"), formatContext(VARS));
    assert.equal(readFileSync(join(root, "run/onekube/context/token.txt"), "utf8"), "c2VjcmV0LXRva2Vu\n");
    assert.equal(statSync(join(root, "run/onekube/context")).mode & 0o777, 0o700);
    // AND nothing stays mounted, no mount directory is left
    const mounts = await hostExec.run("findmnt", ["-rn", "-o", "SOURCE,TARGET"]);
    assert.ok(
      !mounts.stdout.split("\n").some((l) => l.startsWith(`${device} `) || l.includes(root)),
      mounts.stdout,
    );
    assert.deepEqual(readdirSync(join(root, "run/onekube")), ["context"]);
    // AND each step did its part
    assert.deepEqual(
      first.report.steps.map((s) => [s.name, s.outcome]),
      [
        ["network", "changed"],
        ["resolv", "changed"],
        ["hostname", "changed"],
        ["ssh", "changed"],
        ["growroot", "unchanged"],
      ],
    );
    const network = readFileSync(join(root, "etc/systemd/network/10-onekube-eth0.network"), "utf8");
    assert.match(network, /^MACAddress=02:00:0a:d5:2f:0b$/m);
    assert.match(network, /^Address=10\.213\.47\.11\/24$/m);
    assert.match(network, /^Destination=169\.254\.16\.9\/32\nScope=link$/m);
    assert.ok(existsSync(join(root, "etc/systemd/networkd.conf.d/onekube.conf")));
    assert.match(readFileSync(join(root, "etc/resolv.conf"), "utf8"), /^nameserver 10\.213\.47\.1$/m);
    assert.equal(readFileSync(join(root, "etc/hostname"), "utf8"), "onekube-ip-10-213-47-11\n");
    assert.match(
      readFileSync(join(root, "etc/hosts"), "utf8"),
      /^10\.213\.47\.11\tonekube-ip-10-213-47-11 # onekube$/m,
    );
    assert.equal(readFileSync(join(root, "root/.ssh/authorized_keys"), "utf8"), `${KEYS}\n`);
    for (const t of ["rsa", "ecdsa", "ed25519"])
      assert.ok(
        existsSync(join(root, `etc/ssh/ssh_host_${t}_key.pub`)),
        `${t} host key made by ssh-keygen -A`,
      );
    assert.match(first.report.steps.find((s) => s.name === "growroot")?.notes.join() ?? "", /--root/);
    // WHEN it runs again (a reboot with the same CD)
    const second = await contextualize(root);
    // THEN nothing changed
    assert.equal(second.report.source.outcome, "unchanged");
    assert.deepEqual(
      second.report.steps.map((s) => [s.name, s.outcome]),
      first.report.steps.map((s) => [s.name, "unchanged"]),
      second.log,
    );
  });

  test("a context.sh that cannot be parsed: the line is named, exit 3", async () => {
    const src = join(dir, "bad");
    mkdirSync(src);
    writeFileSync(join(src, "context.sh"), "# Context variables generated by OpenNebula\nA='1'\nB=`id`\n");
    const r = await onekube(["contextualize", "--source", src, "--root", newRoot("bad-root")], env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /context\.sh line 3 \(from .*\/bad\)="B=`id`": variable or command expansion is not supported/,
    );
  });
});
