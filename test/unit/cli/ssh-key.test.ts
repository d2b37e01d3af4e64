import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { chooseSshKey, homeOf, loginLines } from "../../../src/cli/cloud/ssh-key.js";
import { UsageError } from "../../../src/errors.js";
import { hostExec } from "../../../src/host/exec.js";

const dir = mkdtempSync(join(tmpdir(), "okb-key-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function home(name: string, keys: Record<string, string>): string {
  const h = join(dir, name);
  mkdirSync(join(h, ".ssh"), { recursive: true });
  for (const [file, text] of Object.entries(keys)) writeFileSync(join(h, ".ssh", file), text);
  return h;
}

describe("the VMs' SSH key", () => {
  test("--ssh-key wins; a file that is no public key is refused", async () => {
    const file = join(
      home("given", { "k.pub": "ssh-ed25519 AAAAC3 given\n", k: "-----BEGIN OPENSSH PRIVATE KEY-----" }),
      ".ssh",
    );
    const key = await chooseSshKey({ given: join(file, "k.pub"), homes: [], root: dir, exec: hostExec });
    assert.deepEqual(key, { file: join(file, "k.pub"), identity: join(file, "k"), how: "given" });
    await assert.rejects(
      chooseSshKey({ given: join(file, "k"), homes: [], root: dir, exec: hostExec }),
      (e: unknown) => e instanceof UsageError && /not an OpenSSH public key file/.test(e.message),
    );
  });

  test("else the user's first of id_ed25519, id_ecdsa, id_rsa; sudo's invoker before $HOME", async () => {
    const user = home("user", {
      "id_rsa.pub": "ssh-rsa AAAAB3 rsa\n",
      "id_ecdsa.pub": "ecdsa-sha2-nistp256 AAAAE2 ec\n",
    });
    const root = home("root", { "id_ed25519.pub": "ssh-ed25519 AAAAC3 root\n" });
    const key = await chooseSshKey({ homes: [user, root], root: dir, exec: hostExec });
    assert.equal(key.file, join(user, ".ssh/id_ecdsa.pub"));
    assert.equal(key.how, "user");
    assert.equal((await chooseSshKey({ homes: [undefined, root], root: dir, exec: hostExec })).how, "user");
  });

  test("else one onekube makes once under $ONEKUBE_ROOT/ssh", async () => {
    const root = join(dir, "state");
    const first = await chooseSshKey({ homes: [home("none", {})], root, exec: hostExec });
    assert.deepEqual(first, {
      file: join(root, "ssh/id_ed25519.pub"),
      identity: join(root, "ssh/id_ed25519"),
      how: "generated",
    });
    const text = readFileSync(first.file, "utf8");
    assert.match(text, /^ssh-ed25519 \S+ onekube-local-cloud\n$/);
    await chooseSshKey({ homes: [], root, exec: hostExec });
    assert.equal(readFileSync(first.file, "utf8"), text, "made once, then kept");
  });

  test("a sudo user's home comes from the password file", () => {
    const passwd = join(dir, "passwd");
    writeFileSync(passwd, "root:x:0:0:root:/root:/bin/bash\nann:x:1000:1000:Ann:/home/ann:/bin/bash\n");
    assert.equal(homeOf("ann", passwd), "/home/ann");
    assert.equal(homeOf("bob", passwd), undefined);
    assert.equal(homeOf(undefined, passwd), undefined);
  });

  test("up shows the reference's commands with the real addresses", () => {
    const key = { file: "/s/id_ed25519.pub", identity: "/s/id_ed25519", how: "generated" } as const;
    assert.equal(
      loginLines(key, "10.0.0.3", "10.0.0.5", true),
      [
        "SSH: every VM lets root in with a key onekube made, /s/id_ed25519 (ssh does not offer it by itself: ssh-add /s/id_ed25519, or ssh -i /s/id_ed25519 root@10.0.0.5)",
        "  ssh -J root@10.0.0.3 root@10.0.0.5 kubectl get nodes",
        "  mkdir -p ~/.kube/ && scp root@10.0.0.5:/etc/kubernetes/admin.conf ~/.kube/config && kubectl get nodes",
        "",
      ].join("\n"),
    );
  });
});
