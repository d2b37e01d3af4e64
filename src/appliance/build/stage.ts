/**
 * The image's root file system, staged in a directory: the Debian base unpacked, onekube and
 * the build cache's binaries, images and manifests added, the image's own files written, the
 * units enabled, and everything that must differ between clones removed (machine-id, SSH host
 * keys, host name, resolv.conf).
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { Exec } from "../../host/exec.js";
import type { RenderedFile } from "../../render/files.js";
import { DISABLED_UNITS, IMAGE_PATHS, REQUIRED_MODULES } from "../recipe.js";
import { AGENT_UNIT, CONTEXTUALIZE_UNIT, ENABLED_UNITS } from "../units.js";
import type { BuildInputs } from "./inputs.js";

const under = (root: string, path: string) => join(root, path.replace(/^\/+/, ""));

export async function unpackBase(exec: Exec, tar: string, stage: string): Promise<void> {
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  await exec.run("tar", ["-C", stage, "--numeric-owner", "--xattrs", "--xattrs-include=*", "-xpf", tar], {
    operation: "unpack the Debian base",
    timeoutMs: 10 * 60_000,
  });
}

export interface KernelFiles {
  readonly version: string;
  readonly kernel: string;
  readonly initrd: string;
}

/** The one kernel the base holds, and a check that it has every module a node needs. */
export function findKernel(stage: string): KernelFiles {
  const boot = readdirSync(join(stage, "boot"));
  const kernels = boot.filter((f) => f.startsWith("vmlinuz-"));
  if (kernels.length !== 1)
    throw new Error(`expected one kernel in /boot, found ${kernels.join(", ") || "none"}`);
  const version = (kernels[0] as string).slice("vmlinuz-".length);
  if (!boot.includes(`initrd.img-${version}`)) throw new Error(`no initrd for kernel ${version} in /boot`);
  const moduleDir = join(stage, "lib", "modules", version);
  const names = new Set<string>();
  const collect = (text: string) => {
    for (const line of text.split("\n")) {
      const base = line.split(":")[0]?.split("/").pop() ?? "";
      const m = /^(.+?)\.ko(\.\w+)?$/.exec(base);
      if (m?.[1]) names.add(m[1].replaceAll("-", "_"));
    }
  };
  collect(readFileSync(join(moduleDir, "modules.dep"), "utf8"));
  collect(readFileSync(join(moduleDir, "modules.builtin"), "utf8"));
  const missing = REQUIRED_MODULES.filter((m) => !names.has(m));
  if (missing.length > 0) throw new Error(`kernel ${version} lacks the modules ${missing.join(", ")}`);
  return { version, kernel: `/boot/vmlinuz-${version}`, initrd: `/boot/initrd.img-${version}` };
}

/** onekube, the node binaries, the images and the add-on manifests, into the staged root. */
export function addPayload(stage: string, inputs: BuildInputs, modules: string): void {
  const app = under(stage, IMAGE_PATHS.app);
  for (const file of inputs.app) {
    mkdirSync(dirname(join(app, file)), { recursive: true });
    cpSync(join(inputs.repo, file), join(app, file));
  }
  cpSync(modules, join(app, "node_modules"), { recursive: true, verbatimSymlinks: true });
  for (const placed of [...inputs.binaries, ...inputs.images, ...inputs.addons]) {
    const target = under(stage, placed.target);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(placed.source, target);
    chmodSync(target, placed.mode ?? 0o644);
  }
}

export function writeFiles(stage: string, files: readonly RenderedFile[]): void {
  for (const f of files) {
    const target = under(stage, f.path);
    mkdirSync(dirname(target), { recursive: true });
    rmSync(target, { force: true }); // a symlink (resolv.conf, motd) is replaced, never followed
    writeFileSync(target, f.content, { mode: f.mode ?? 0o644 });
    chmodSync(target, f.mode ?? 0o644);
  }
}

/** What each clone must make for itself at first boot, or must not inherit (§4.4, §6.11). */
export function cleanForCloning(stage: string): void {
  for (const f of readdirSync(join(stage, "etc", "ssh")))
    if (f.startsWith("ssh_host_")) rmSync(join(stage, "etc", "ssh", f));
  writeFileSync(join(stage, "etc", "machine-id"), "");
  for (const p of ["var/lib/dbus/machine-id", "etc/hostname", "etc/resolv.conf", "context"])
    rmSync(join(stage, p), { recursive: true, force: true });
  for (const dir of ["tmp", "var/tmp", "var/cache/apt/archives/partial"]) {
    const d = join(stage, dir);
    if (existsSync(d)) for (const f of readdirSync(d)) rmSync(join(d, f), { recursive: true, force: true });
  }
  // Logs of the build are not the VM's (one-apps' sysprep empties them too).
  const logs = join(stage, "var", "log");
  const empty = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) empty(join(dir, e.name));
      else if (e.isFile()) writeFileSync(join(dir, e.name), "");
    }
  };
  empty(logs);
  if (existsSync(join(stage, "etc", "cloud")))
    throw new Error("cloud-init is in the image: it fights contextualization");
}

export async function setUnits(exec: Exec, stage: string): Promise<void> {
  const present = (u: string) =>
    ["lib/systemd/system", "usr/lib/systemd/system", "etc/systemd/system"].some((d) =>
      existsSync(join(stage, d, u)),
    );
  await exec.run(
    "systemctl",
    ["--root", stage, "enable", CONTEXTUALIZE_UNIT, AGENT_UNIT, ...ENABLED_UNITS.filter(present)],
    { operation: "enable the image's units" },
  );
  const disable = DISABLED_UNITS.filter(present);
  if (disable.length > 0)
    await exec.run("systemctl", ["--root", stage, "disable", ...disable], {
      operation: "disable the services the agent runs itself",
    });
}

/** Every file's time set to the recipe's epoch: the same inputs give the same file system. */
export async function clampTimes(exec: Exec, stage: string, epoch: number): Promise<void> {
  await exec.run(
    "find",
    [stage, "-newermt", `@${epoch}`, "-exec", "touch", "--no-dereference", "--date", `@${epoch}`, "{}", "+"],
    { operation: "set every file's time to the recipe's epoch", timeoutMs: 10 * 60_000 },
  );
}
