/** The resolver, hostname and SSH steps' pure parts, and each step run twice on a temporary root. */
import assert from "node:assert/strict";
import { lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { hostnameOf, hostnameStep, hostsWith } from "../../../src/appliance/context/hostname.js";
import { NO_DNS_RESOLV, renderResolv, resolvStep } from "../../../src/appliance/context/resolv.js";
import { publicKeys, sshStep, withKeys } from "../../../src/appliance/context/ssh.js";
import { stepContext, tempDirs } from "./context-world.js";

const temps = tempDirs("okb-ctx-");
after(() => temps.cleanup());

describe("resolv", () => {
  test("nameservers from DNS and every ETH<n>_DNS, once each; one search line", () => {
    const text = renderResolv({
      DNS: "10.0.0.1",
      ETH0_MAC: "02:00:00:00:00:01",
      ETH0_DNS: "10.0.0.1 10.0.0.2",
      ETH1_MAC: "02:00:00:00:00:02",
      ETH1_DNS: "192.168.1.1",
      SEARCH_DOMAIN: "example.com",
      ETH1_SEARCH_DOMAIN: "nodes.example.com",
    });
    assert.equal(
      text?.split("\n").slice(1).join("\n"),
      "nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 192.168.1.1\nsearch example.com nodes.example.com\n",
    );
  });

  test("no DNS in the context: nothing to render", () => {
    assert.equal(renderResolv({ ETH0_MAC: "02:00:00:00:00:01", ETH0_DNS: "" }), undefined);
  });

  test("replaces a symlink, then changes nothing", async () => {
    const root = temps.make();
    mkdirSync(join(root, "etc"));
    symlinkSync("../run/systemd/resolve/stub-resolv.conf", join(root, "etc/resolv.conf"));
    const ctx = stepContext(root, { DNS: "10.0.0.1" });
    assert.equal(await resolvStep.run(ctx), "changed");
    assert.ok(lstatSync(join(root, "etc/resolv.conf")).isFile());
    assert.equal(await resolvStep.run(ctx), "unchanged");
  });

  test("without DNS: an existing file is left alone; a missing one is written pointing nowhere harmful", async () => {
    const root = temps.make();
    mkdirSync(join(root, "etc"));
    writeFileSync(join(root, "etc/resolv.conf"), "nameserver 1.2.3.4\n");
    assert.equal(await resolvStep.run(stepContext(root, {})), "unchanged");
    assert.equal(readFileSync(join(root, "etc/resolv.conf"), "utf8"), "nameserver 1.2.3.4\n");
    const bare = temps.make();
    assert.equal(await resolvStep.run(stepContext(bare, {})), "changed");
    assert.equal(readFileSync(join(bare, "etc/resolv.conf"), "utf8"), NO_DNS_RESOLV);
    assert.doesNotMatch(NO_DNS_RESOLV, /nameserver 127\./);
    assert.equal(await resolvStep.run(stepContext(bare, {})), "unchanged");
  });
});

describe("hostname", () => {
  const cases: [string, Record<string, string>, string | undefined][] = [
    ["SET_HOSTNAME, short name", { SET_HOSTNAME: "web-1.example.com", ETH0_IP: "10.0.0.5" }, "web-1"],
    ["SET_HOSTNAME sanitised (quotes, spaces)", { SET_HOSTNAME: "my 'node' \"2\"" }, "mynode2"],
    ["else onekube-ip-A-B-C-D from ETH0_IP", { ETH0_IP: "10.0.0.5" }, "onekube-ip-10-0-0-5"],
    [
      "else from the first ETH<n>_IP",
      { ETH1_MAC: "02:00:00:00:00:02", ETH1_IP: "192.168.1.7" },
      "onekube-ip-192-168-1-7",
    ],
    ["else nothing", { SET_HOSTNAME: "''" }, undefined],
  ];
  for (const [name, vars, want] of cases) test(name, () => assert.equal(hostnameOf(vars), want));

  test("one tagged /etc/hosts line, replacing the earlier one, others kept", () => {
    const before = "127.0.0.1\tlocalhost\n10.0.0.9\told # onekube\n10.9.9.9 mine\n";
    assert.equal(
      hostsWith(before, "onekube-ip-10-0-0-5", "10.0.0.5"),
      "127.0.0.1\tlocalhost\n10.9.9.9 mine\n10.0.0.5\tonekube-ip-10-0-0-5 # onekube\n",
    );
    assert.match(hostsWith(undefined, "n", "10.0.0.5"), /^127\.0\.0\.1\tlocalhost\n/);
  });

  test("writes /etc/hostname and /etc/hosts once; under --root runs no `hostname`", async () => {
    const root = temps.make();
    const ctx = stepContext(root, { ETH0_IP: "10.0.0.5" });
    assert.equal(await hostnameStep.run(ctx), "changed");
    assert.equal(readFileSync(join(root, "etc/hostname"), "utf8"), "onekube-ip-10-0-0-5\n");
    assert.equal(await hostnameStep.run(ctx), "unchanged");
  });
});

describe("ssh", () => {
  const A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA user@a";
  const B = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ bob\'s "laptop"';

  test("SSH_PUBLIC_KEY may hold several keys, one per line", () => {
    assert.deepEqual(publicKeys(`${A}\n\n  ${B}  \r\n# a comment\n`), [A, B]);
  });

  test("appends only the missing keys, never removes one", () => {
    assert.equal(withKeys(`${A}\nssh-ed25519 OLD old`, [A, B]), `${A}\nssh-ed25519 OLD old\n${B}\n`);
    assert.equal(withKeys(`${A}\n${B}\n`, [B, A]), undefined);
  });

  test("authorized_keys 0600 in a 0700 directory; a second run changes nothing", async () => {
    const root = temps.make();
    // host keys present: ssh-keygen is not needed
    mkdirSync(join(root, "etc/ssh"), { recursive: true });
    for (const t of ["rsa", "ecdsa", "ed25519"]) writeFileSync(join(root, `etc/ssh/ssh_host_${t}_key`), "k");
    mkdirSync(join(root, "root/.ssh"), { recursive: true, mode: 0o755 });
    writeFileSync(join(root, "root/.ssh/authorized_keys"), "ssh-ed25519 KEEP me\n", { mode: 0o644 });
    const ctx = stepContext(root, { SSH_PUBLIC_KEY: `${A}\n${B}` });
    assert.equal(await sshStep.run(ctx), "changed");
    assert.equal(
      readFileSync(join(root, "root/.ssh/authorized_keys"), "utf8"),
      `ssh-ed25519 KEEP me\n${A}\n${B}\n`,
    );
    assert.equal(statSync(join(root, "root/.ssh")).mode & 0o777, 0o700);
    assert.equal(statSync(join(root, "root/.ssh/authorized_keys")).mode & 0o777, 0o600);
    assert.equal(await sshStep.run(ctx), "unchanged");
  });
});
