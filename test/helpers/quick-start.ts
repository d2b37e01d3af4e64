/**
 * Running the reference's Quick Start commands as written, with a home of the test's own. ssh
 * and scp find ~/.ssh through the password file (root's /root), not $HOME, so the commands run
 * in a private mount namespace where /root is the test's home: `~` means that directory to
 * every program, and nothing of the host's /root is read or written.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { makeSshKey } from "../../src/cli/cloud/ssh-key.js";
import { hostExec } from "../../src/host/exec.js";
import { k8sBinary } from "./k8s-bin.js";

/** A fresh home with an SSH key (~/.ssh/id_ed25519) and an ssh config that keeps the commands as written. */
export async function quickStartHome(): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), "onekube-home-"));
  await makeSshKey(hostExec, join(home, ".ssh/id_ed25519"), "quick-start");
  writeFileSync(
    join(home, ".ssh/config"),
    "Host *\n  StrictHostKeyChecking accept-new\n  UserKnownHostsFile ~/.ssh/known_hosts\n  IdentityFile ~/.ssh/id_ed25519\n  BatchMode yes\n",
    { mode: 0o600 },
  );
  return home;
}

/** Runs a shell command line with `home` as ~, and the build cache's kubectl on PATH (the reference's workstation). */
export async function inHome(home: string, commandLine: string, timeoutMs = 60_000) {
  const path = [dirname(k8sBinary("kubectl")), "/usr/sbin:/usr/bin:/sbin:/bin"].join(":");
  const r = await execa(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "--",
      "sh",
      "-c",
      'mount --bind "$1" /root && cd /root && exec sh -c "$2"',
      "sh",
      home,
      commandLine,
    ],
    { env: { PATH: path, HOME: "/root" }, extendEnv: false, reject: false, timeout: timeoutMs },
  );
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}
