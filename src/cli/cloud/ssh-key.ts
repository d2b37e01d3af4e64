/**
 * The key the local cloud's VMs let root log in with (their context's SSH_PUBLIC_KEY, as
 * OpenNebula gives it from the owner's user template): the one given, else the invoking user's
 * own (what `ssh` tries by itself), else one onekube makes once and names.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError } from "../../errors.js";
import type { Exec } from "../../host/exec.js";

/** The user's keys in the order ssh tries them. */
export const USER_KEYS = ["id_ed25519", "id_ecdsa", "id_rsa"] as const;

export interface SshKey {
  /** The public key file. */
  readonly file: string;
  /** Its private key, when known (for `ssh -i`). */
  readonly identity: string;
  readonly how: "given" | "user" | "generated";
}

const looksLikeKey = (text: string) => /^(ssh-|ecdsa-|sk-)\S+ \S+/.test(text.trim());

/** The public key's text, checked: a private key or anything else given by mistake is refused. */
export function readPublicKey(file: string): string {
  const text = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
  if (!looksLikeKey(text))
    throw new UsageError(`--ssh-key ${file}: not an OpenSSH public key file (ssh-ed25519 AAAA... comment)`);
  return text;
}

/** The home directory of a user, from /etc/passwd (the one who ran `sudo onekube up`). */
export function homeOf(user: string | undefined, passwd = "/etc/passwd"): string | undefined {
  if (!user || !existsSync(passwd)) return undefined;
  const line = readFileSync(passwd, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${user}:`));
  return line?.split(":")[5] || undefined;
}

export async function chooseSshKey(o: {
  readonly given?: string | undefined;
  /** Where to look for the user's keys, in order (sudo's invoker first, then $HOME). */
  readonly homes: readonly (string | undefined)[];
  /** $ONEKUBE_ROOT: where a key onekube makes is kept. */
  readonly root: string;
  readonly exec: Exec;
}): Promise<SshKey> {
  if (o.given !== undefined) {
    readPublicKey(o.given);
    return { file: o.given, identity: o.given.replace(/\.pub$/, ""), how: "given" };
  }
  for (const home of o.homes.filter((h) => h !== undefined)) {
    for (const name of USER_KEYS) {
      const file = join(home, ".ssh", `${name}.pub`);
      if (existsSync(file) && looksLikeKey(readFileSync(file, "utf8")))
        return { file, identity: file.replace(/\.pub$/, ""), how: "user" };
    }
  }
  const identity = join(o.root, "ssh", "id_ed25519");
  if (!existsSync(`${identity}.pub`)) await makeSshKey(o.exec, identity, "onekube-local-cloud");
  return { file: `${identity}.pub`, identity, how: "generated" };
}

/** A new ed25519 key pair without a passphrase: `identity` and `identity.pub` (directory made 0700). */
export async function makeSshKey(exec: Exec, identity: string, comment: string): Promise<void> {
  mkdirSync(dirname(identity), { recursive: true, mode: 0o700 });
  await exec.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", identity], {
    operation: `make the SSH key ${identity}`,
  });
}

/** How to log in, as the reference's Quick Start writes it, with the cloud's real addresses. */
export function loginLines(
  key: SshKey,
  vnf: string | undefined,
  master: string | undefined,
  kubectl: boolean,
): string {
  const which =
    key.how === "user"
      ? `your key ${key.file}`
      : key.how === "given"
        ? `the key given, ${key.file} (if ssh does not offer it by itself: ssh-add ${key.identity})`
        : `a key onekube made, ${key.identity} (ssh does not offer it by itself: ssh-add ${key.identity}, or ssh -i ${key.identity} root@${master ?? vnf ?? "<ip>"})`;
  const lines = [`SSH: every VM lets root in with ${which}`];
  if (vnf && master) {
    const command = kubectl ? " kubectl get nodes" : "";
    lines.push(`  ssh -J root@${vnf} root@${master}${command}`);
    if (kubectl)
      lines.push(
        `  mkdir -p ~/.kube/ && scp root@${master}:/etc/kubernetes/admin.conf ~/.kube/config && kubectl get nodes`,
      );
  }
  return `${lines.join("\n")}\n`;
}
