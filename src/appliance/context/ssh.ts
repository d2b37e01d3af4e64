/**
 * root's SSH access, as OpenNebula's package gives it (loc-22, loc-24): every key of
 * SSH_PUBLIC_KEY (one per line) missing from /root/.ssh/authorized_keys is appended, none is
 * ever removed; host keys missing from the image (it ships none, so that clones differ) are made.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { HostError } from "../../errors.js";
import { writeIfChanged } from "../../host/files.js";
import { at, type Step } from "./step.js";

export const AUTHORIZED_KEYS = "/root/.ssh/authorized_keys";
/** What `ssh-keygen -A` makes on OpenSSH 10 (DSA is gone). */
export const HOST_KEYS = ["rsa", "ecdsa", "ed25519"].map((t) => `/etc/ssh/ssh_host_${t}_key`);

/** The keys of a SSH_PUBLIC_KEY value: one per non-empty line, comments dropped. */
export function publicKeys(value: string | undefined): string[] {
  return (value ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("#"));
}

/** authorized_keys with every missing key appended; undefined when none is missing. */
export function withKeys(current: string, keys: readonly string[]): string | undefined {
  const have = new Set(current.split("\n").map((l) => l.trim()));
  const missing = [...new Set(keys)].filter((k) => !have.has(k));
  if (missing.length === 0) return undefined;
  const base = current === "" || current.endsWith("\n") ? current : `${current}\n`;
  return `${base}${missing.join("\n")}\n`;
}

/** A directory exists with this mode; true when it had to be made or changed. */
function ensureDir(path: string, mode: number): boolean {
  if (!existsSync(path)) {
    mkdirSync(path, { recursive: true, mode });
    chmodSync(path, mode);
    return true;
  }
  if ((statSync(path).mode & 0o777) === mode) return false;
  chmodSync(path, mode);
  return true;
}

export const sshStep: Step = {
  name: "ssh",
  title: "install SSH_PUBLIC_KEY for root and make missing SSH host keys",
  async run(ctx) {
    const keys = publicKeys(ctx.vars.SSH_PUBLIC_KEY);
    let changed = false;
    if (keys.length === 0) ctx.note("no SSH_PUBLIC_KEY in the context: authorized_keys left alone");
    else {
      const file = at(ctx, AUTHORIZED_KEYS);
      changed = ensureDir(at(ctx, "/root/.ssh"), 0o700);
      const current = existsSync(file) ? readFileSync(file, "utf8") : "";
      const next = withKeys(current, keys);
      changed = (await writeIfChanged(file, next ?? current, 0o600)) || changed;
    }
    const missing = HOST_KEYS.filter((k) => !existsSync(at(ctx, k)));
    if (missing.length > 0) {
      mkdirSync(at(ctx, "/etc/ssh"), { recursive: true, mode: 0o755 });
      // -f: a prefix for the key paths (the root); ssh-keygen exits 0 even when it could not write.
      const prefix = ctx.root === "/" ? [] : ["-f", ctx.root];
      await ctx.exec.run("ssh-keygen", ["-A", ...prefix], { operation: "make the SSH host keys" });
      const still = HOST_KEYS.filter((k) => !existsSync(at(ctx, k)));
      if (still.length > 0)
        throw new HostError(
          "make the SSH host keys",
          "ssh-keygen -A",
          0,
          `still missing: ${still.join(", ")}`,
        );
      changed = true;
    }
    return changed ? "changed" : "unchanged";
  },
};
