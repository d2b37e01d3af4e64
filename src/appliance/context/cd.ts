/**
 * Where the context comes from: OpenNebula's context CD, found by its file system label (never
 * by device name: IDE, SATA or a hand-attached virtio disk all carry the label), mounted
 * read-only for as long as it takes to copy `context.sh` and `token.txt` out, then unmounted
 * (appliance-image.md §1.3). `--source DIR` reads a directory instead (the local cloud's
 * /mnt/context). context.sh is parsed, never executed.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ConfigError, HostError } from "../../errors.js";
import { commandLine, type Exec } from "../../host/exec.js";
import { writeIfChanged } from "../../host/files.js";
import { ContextSyntaxError, parseContext } from "../../params/context.js";

export const CONTEXT_LABEL = "CONTEXT";
/** Where the copy lives for the agent (src/agent/context.ts reads it first). */
export const CONTEXT_COPY = "/run/onekube/context";
export const CD_MOUNTS = "/run/onekube";

export interface ContextFiles {
  /** The device or directory read, for messages. */
  readonly from: string;
  readonly contextSh: string;
  readonly token?: string;
}

const BLKID = ["-c", "/dev/null", "-l", "-t", `LABEL=${CONTEXT_LABEL}`, "-o", "device"];

/** The CD's device, polled for: udev may not have made /dev/sr0 yet when this runs. */
export async function findContextCd(exec: Exec, waitMs: number, pollMs = 1000): Promise<string> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const r = await exec.run("blkid", BLKID, { operation: "find the context CD", allowFailure: true });
    const device = r.stdout.trim().split("\n")[0];
    if (r.exitCode === 0 && device) return device;
    if (Date.now() >= deadline)
      throw new HostError(
        "find the context CD",
        commandLine("blkid", BLKID),
        r.exitCode,
        `no block device has the file system label ${CONTEXT_LABEL} after ${Math.round(waitMs / 1000)} s: is the VM's context CD attached (CONTEXT in its template)? --source DIR reads a directory instead`,
      );
    await sleep(pollMs);
  }
}

/** context.sh (required) and token.txt (if there) of a directory. */
export function readContextDir(dir: string, from = dir): ContextFiles {
  const file = join(dir, "context.sh");
  if (!existsSync(file))
    throw new HostError("read the context", `read ${file}`, undefined, `${from} holds no context.sh`);
  const token = join(dir, "token.txt");
  return {
    from,
    contextSh: readFileSync(file, "utf8"),
    ...(existsSync(token) ? { token: readFileSync(token, "utf8") } : {}),
  };
}

async function mountReadOnly(exec: Exec, device: string, dir: string): Promise<void> {
  // The context package tries 6 times, 1 s apart: a CD just announced may not be readable yet.
  for (let attempt = 1; ; attempt++) {
    const r = await exec.run("mount", ["-o", "ro", device, dir], {
      operation: `mount the context CD ${device}`,
      allowFailure: attempt < 6,
    });
    if (r.exitCode === 0) return;
    await sleep(1000);
  }
}

/** Mounts the CD on a fresh directory under `mounts`, reads it, and unmounts it whatever happens. */
export async function readContextCd(exec: Exec, device: string, mounts: string): Promise<ContextFiles> {
  mkdirSync(mounts, { recursive: true, mode: 0o700 });
  const dir = mkdtempSync(join(mounts, "cd."));
  try {
    await mountReadOnly(exec, device, dir);
    try {
      return readContextDir(dir, device);
    } finally {
      await exec.run("umount", [dir], { operation: `unmount the context CD from ${dir}` });
    }
  } finally {
    rmdirSync(dir);
  }
}

/** The variables of context.sh; a line it cannot read is named (the file is never run). */
export function contextVars(files: ContextFiles): Record<string, string> {
  try {
    return parseContext(files.contextSh);
  } catch (error) {
    if (!(error instanceof ContextSyntaxError)) throw error;
    const line = files.contextSh.split("\n")[error.line - 1] ?? "";
    throw new ConfigError([
      {
        code: "context_syntax",
        param: `context.sh line ${error.line} (from ${files.from})`,
        value: line.length > 80 ? `${line.slice(0, 80)}...` : line,
        message: error.detail,
        severity: "error",
      },
    ]);
  }
}

/** Copies the files to `dir` (0700, files 0600); a token no longer on the CD goes. True when anything changed. */
export async function copyContext(files: ContextFiles, dir: string): Promise<boolean> {
  const made = !existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  let changed = await writeIfChanged(join(dir, "context.sh"), files.contextSh, 0o600);
  const token = join(dir, "token.txt");
  if (files.token !== undefined) changed = (await writeIfChanged(token, files.token, 0o600)) || changed;
  else if (existsSync(token)) {
    rmSync(token);
    changed = true;
  }
  return made || changed;
}
