/**
 * The local cloud's VMs contextualized as the appliance is (root's SSH key from the context)
 * and serving SSH: the reference's `ssh -J root@<vnf> root@<master>` and `scp` work against
 * them with the real ssh, scp and sshd; each VM's /root/.ssh is its own; the image's tools are
 * in its /usr/local/bin; sshd dies with its VM.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { makeSshKey } from "../../src/cli/cloud/ssh-key.js";
import { hostExec } from "../../src/host/exec.js";
import { cleanupService } from "../../src/local/cleanup.js";
import type { VmHandle } from "../../src/local/driver.js";
import { namespaceName } from "../../src/local/names.js";
import { NetnsDriver } from "../../src/local/netns-driver.js";
import { workerSpec } from "../helpers/local-vm.js";
import { requireRoot, tool } from "../helpers/netns-lab.js";

const SERVICE = `s${(process.pid % 36 ** 3).toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), "onekube-ssh-"));
const key = join(dir, "id_ed25519");
const sshConfig = join(dir, "ssh_config");
let driver: NetnsDriver;
let a: VmHandle;
let b: VmHandle;

const ssh = (args: readonly string[]) =>
  execa("ssh", ["-F", sshConfig, ...args], { reject: false, timeout: 30_000 });

/** sshd starts after the VM reports ready: wait until it answers. */
async function waitForSsh(ip: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await ssh([`root@${ip}`, "true"])).exitCode === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`no SSH login to ${ip}`);
}

before(async () => {
  requireRoot();
  tool("sshd", "openssh-server");
  for (const t of ["ssh", "scp", "ssh-keygen"]) tool(t, "openssh-client");
  await makeSshKey(hostExec, key, "onekube-test");
  writeFileSync(
    sshConfig,
    `Host *\n  IdentityFile ${key}\n  IdentitiesOnly yes\n  BatchMode yes\n  StrictHostKeyChecking accept-new\n  UserKnownHostsFile ${join(dir, "known_hosts")}\n`,
  );
  // The image's tools: one fake kubectl, as the build cache's directories hold the real one.
  const bin = join(dir, "image-bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "kubectl"), "#!/bin/sh\necho fake kubectl\n", { mode: 0o755 });
  driver = await NetnsDriver.open({
    root: join(dir, "root"),
    service: SERVICE,
    stopGraceMs: 500,
    agent: ["sleep", "600"],
    image: { path: [bin], env: {} },
  });
  const context = { SSH_PUBLIC_KEY: readFileSync(`${key}.pub`, "utf8").trim() };
  [a, b] = await Promise.all([
    driver.create(workerSpec(1, { context })),
    driver.create(workerSpec(2, { context })),
  ]);
  await Promise.all([waitForSsh(a.nic.ip), waitForSsh(b.nic.ip)]);
});
after(async () => {
  await driver?.close();
  await cleanupService(join(dir, "root"), SERVICE, { graceMs: 200 }).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe("SSH into local VMs", () => {
  test("ssh -J through one VM to another runs a command there, kubectl on its PATH", async () => {
    const r = await ssh([
      "-J",
      `root@${a.nic.ip}`,
      `root@${b.nic.ip}`,
      "hostname; command -v kubectl; kubectl",
    ]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, `${b.hostname}\n/usr/local/bin/kubectl\nfake kubectl`);
  });

  test("scp copies a file out of the VM (SFTP), and each VM's /root/.ssh is its own", async () => {
    const out = join(dir, "copied");
    const r = await execa("scp", ["-F", sshConfig, `root@${b.nic.ip}:/root/.ssh/authorized_keys`, out], {
      reject: false,
    });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(readFileSync(out, "utf8"), `${readFileSync(`${key}.pub`, "utf8").trim()}\n`);
    const hostKeys = "/root/.ssh/authorized_keys";
    assert.ok(
      !existsSync(hostKeys) || !readFileSync(hostKeys, "utf8").includes("onekube-test"),
      "host untouched",
    );
  });

  test("sshd dies with its VM", async () => {
    const pids = (await execa("ip", ["netns", "pids", namespaceName(SERVICE, 2)])).stdout
      .split("\n")
      .filter(Boolean);
    const sshd = pids.filter((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, "utf8").trim() === "sshd";
      } catch {
        return false;
      }
    });
    assert.ok(sshd.length > 0, "sshd runs in the VM's network namespace");
    await driver.destroy(2);
    // Gone, or a zombie its new parent (the host's init) has yet to reap.
    const state = (p: string) => {
      try {
        return /^State:\s+(\S)/m.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1];
      } catch {
        return "gone";
      }
    };
    for (const p of sshd) assert.ok(["gone", "Z"].includes(state(p) ?? ""), `sshd ${p} is ${state(p)}`);
  });
});
