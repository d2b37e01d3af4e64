import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { REQUIRED_MODULES } from "../../src/appliance/recipe.js";
import { AGENT_UNIT, CONTEXTUALIZE_UNIT } from "../../src/appliance/units.js";
import { hostExec } from "../../src/host/exec.js";
import { builtArchives, DEFAULT_CACHE } from "../../src/images/build.js";
import { VERSIONS } from "../../src/versions.js";
import { onekube } from "../helpers/cli.js";
import { requireRoot } from "../helpers/netns-lab.js";

// The real `onekube appliance build` (its Debian base from the archive, the build cache's binaries
// and images), then the built disk itself, opened read-only: what is in it, and what systemd
// makes of its units.
const cache = process.env.ONEKUBE_CACHE ?? DEFAULT_CACHE;
let out: string;
let mnt: string;
let raw: string;
interface Built {
  status: string;
  stages: { name: string; status: string }[];
  files: { qcow2: string; sha256: string; manifest: string };
  manifest: Record<string, unknown> & { sha256: string; components: { name: string; version: string }[] };
}
let first: Built;

const build = async (args: string[] = []): Promise<Built> => {
  const r = await onekube(["appliance", "build", "--json", ...args], { ONEKUBE_CACHE: cache }, 60 * 60_000);
  assert.equal(r.code, 0, r.stderr.slice(-3000));
  return JSON.parse(r.stdout) as Built;
};

before(async () => {
  requireRoot();
  out = mkdtempSync(join(tmpdir(), "onekube-appliance-"));
  first = await build(["--out", out]);
  // The disk as a raw file, its root file system mounted read-only (loop devices here have no
  // partitions, so the mount starts at the partition's offset).
  raw = join(out, "disk.raw");
  await hostExec.run("qemu-img", ["convert", "-f", "qcow2", "-O", "raw", first.files.qcow2, raw]);
  mnt = join(out, "mnt");
  mkdirSync(mnt);
  await hostExec.run("mount", ["-o", "ro,loop,offset=1048576", raw, mnt]);
  // systemd-analyze needs somewhere to write, as on a booted system
  for (const d of ["run", "tmp"]) await hostExec.run("mount", ["-t", "tmpfs", "tmpfs", join(mnt, d)]);
});

after(async () => {
  if (mnt) await hostExec.run("umount", ["-R", mnt], { allowFailure: true });
  if (out) rmSync(out, { recursive: true, force: true });
});

describe("onekube appliance build", () => {
  test("writes the compressed qcow2 that qemu-img checks, its SHA-256 and its manifest", async () => {
    const info = JSON.parse(
      (await hostExec.run("qemu-img", ["info", "--output=json", first.files.qcow2])).stdout,
    );
    assert.equal(info.format, "qcow2");
    assert.equal(info["virtual-size"], first.manifest.virtualSize);
    await hostExec.run("qemu-img", ["check", first.files.qcow2]);
    const sha = (await hostExec.run("sha256sum", [first.files.qcow2])).stdout.split(" ")[0];
    assert.equal(
      readFileSync(first.files.sha256, "utf8"),
      `${sha}  onekube-${first.manifest.version}-amd64.qcow2\n`,
    );
    assert.equal(first.manifest.sha256, sha);
  });

  test("the manifest names every component and version inside", () => {
    const m = first.manifest;
    const components = Object.fromEntries(m.components.map((c) => [c.name, c.version]));
    assert.equal(components.kubeadm, VERSIONS.kubernetes);
    assert.equal(components.containerd, VERSIONS.containerd);
    assert.equal(components.runc, VERSIONS.runc);
    assert.deepEqual(
      m.images,
      builtArchives(cache)
        .map((a) => a.reference)
        .sort(),
    );
    const packages = m.packages as Record<string, string>;
    assert.match(packages.nodejs ?? "", /^20\./);
    for (const p of ["keepalived", "haproxy", "unbound", "nftables", "ipvsadm", "open-iscsi", "nfs-common"])
      assert.ok(packages[p], `${p} in the manifest`);
    assert.deepEqual(m.debian, { release: "13", codename: "trixie", mirror: "http://deb.debian.org/debian" });
  });

  test("a second run does no work", async () => {
    const again = await build(["--out", out]);
    assert.equal(again.status, "cached");
    assert.deepEqual(
      again.stages.map((s) => s.status),
      again.stages.map(() => "cached"),
    );
    assert.equal(again.manifest.sha256, first.manifest.sha256);
  });

  test("the same inputs make the same bytes", async () => {
    // A cache of its own sharing everything but the image stage, which is made again.
    const scratch = join(out, "cache");
    mkdirSync(join(scratch, "appliance"), { recursive: true });
    for (const e of readdirSync(cache)) if (e !== "appliance") symlinkSync(join(cache, e), join(scratch, e));
    for (const e of ["base", "node-modules"])
      symlinkSync(join(cache, "appliance", e), join(scratch, "appliance", e));
    const r = await onekube(
      ["appliance", "build", "--json", "--out", join(out, "again"), "--cache", scratch],
      {},
      60 * 60_000,
    );
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const rebuilt = JSON.parse(r.stdout) as Built;
    assert.equal(rebuilt.stages.find((s) => s.name === "image")?.status, "built");
    assert.equal(rebuilt.manifest.sha256, first.manifest.sha256);
  });
});

describe("the built disk", () => {
  const at = (p: string) => join(mnt, p);

  test("systemd-analyze verify of onekube's units in the image reports no cycle and no error", async () => {
    const r = await hostExec.run(
      "chroot",
      [mnt, "systemd-analyze", "verify", "--man=no", CONTEXTUALIZE_UNIT, AGENT_UNIT],
      { allowFailure: true },
    );
    const said = `${r.stdout}\n${r.stderr}`
      .split("\n")
      .filter((l) => l.trim() && !/IPv6 address not available/.test(l));
    assert.equal(r.exitCode, 0, said.join("\n"));
    assert.deepEqual(said, []);
    // enabled: the links systemctl makes (absolute, so they point into the image, not here)
    const linked = (p: string) => lstatSync(at(p), { throwIfNoEntry: false })?.isSymbolicLink() === true;
    assert.ok(linked(`etc/systemd/system/multi-user.target.wants/${AGENT_UNIT}`));
    assert.ok(linked(`etc/systemd/system/sysinit.target.wants/${CONTEXTUALIZE_UNIT}`));
  });

  test("clean for cloning: empty machine-id, no SSH host keys, no /context, no cloud-init, no swap", () => {
    assert.equal(readFileSync(at("etc/machine-id"), "utf8"), "");
    assert.deepEqual(
      readdirSync(at("etc/ssh")).filter((f) => f.startsWith("ssh_host_")),
      [],
    );
    assert.ok(!existsSync(at("context")));
    assert.ok(!existsSync(at("etc/cloud")) && !existsSync(at("usr/bin/cloud-init")));
    assert.doesNotMatch(readFileSync(at("etc/fstab"), "utf8"), /swap/);
    assert.ok(!existsSync(at("etc/hostname")));
  });

  test("Debian's kernel with the modules a node needs, booted by GRUB with eth0 names", () => {
    const kernel = readdirSync(at("lib/modules"))[0] as string;
    const dep = ["modules.dep", "modules.builtin"]
      .map((f) => readFileSync(at(`lib/modules/${kernel}/${f}`), "utf8"))
      .join("\n");
    for (const m of REQUIRED_MODULES) assert.match(dep, new RegExp(`/${m.replaceAll("_", "[_-]")}\\.ko`), m);
    assert.match(readFileSync(at("boot/grub/grub.cfg"), "utf8"), /net\.ifnames=0/);
    assert.ok(existsSync(at("boot/grub/i386-pc/normal.mod")));
  });

  test("onekube, the node binaries and every built image, so the service deploys without a registry", () => {
    for (const b of ["kubeadm", "kubelet", "kubectl", "containerd", "containerd-shim-runc-v2", "ctr", "runc"])
      assert.ok(existsSync(at(`usr/local/bin/${b}`)), b);
    assert.ok(existsSync(at("usr/lib/onekube/dist/src/cli/main.js")));
    assert.ok(existsSync(at("usr/lib/onekube/node_modules/commander")));
    assert.ok(!existsSync(at("usr/lib/onekube/node_modules/typescript")), "no development dependency");
    const images = readdirSync(at("usr/share/onekube/images")).sort();
    assert.deepEqual(
      images,
      builtArchives(cache)
        .map((a) => a.archive.split("/").pop())
        .sort(),
    );
    assert.match(
      readFileSync(at("etc/default/onekube"), "utf8"),
      /ONEKUBE_IMAGE_ARCHIVES=\/usr\/share\/onekube\/images/,
    );
  });
});
