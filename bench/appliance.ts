import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { ApplianceBuildResult } from "../src/appliance/build/build.js";
import { hostAccel } from "../src/appliance/qemu/argv.js";
import { DEFAULT_CACHE, REPO_ROOT } from "../src/images/build.js";
import type { LabVm } from "../test/helpers/onegate-lab.js";
import { QemuLab } from "../test/helpers/qemu-lab.js";

/**
 * `onekube appliance build`, cold then warm, and a boot of the image under QEMU. Cold: an empty
 * appliance cache (the Debian base is made anew from the archive, onekube's dependencies
 * installed, the disk made and compressed); the node binaries and images are the real cache's
 * (their own benches measure them). Warm: the same command again. The boot: a vnf VM from the
 * image with an OpenNebula context CD, timed from QEMU's start to SSH, to its first OneGate
 * request and to READY=YES.
 */
async function build(cache: string, out: string): Promise<{ seconds: number; result: ApplianceBuildResult }> {
  const start = performance.now();
  const { stdout } = await execa(
    "node",
    [join(REPO_ROOT, "bin", "onekube.js"), "appliance", "build", "--cache", cache, "--out", out, "--json"],
    { stderr: "inherit" },
  );
  return { seconds: (performance.now() - start) / 1000, result: JSON.parse(stdout) as ApplianceBuildResult };
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

async function bootTimes(image: string): Promise<Record<string, number>> {
  const lab = new QemuLab();
  const vm: LabVm = { id: 10, role: "vnf", ip: "10.77.0.10", mac: "02:00:0a:4d:00:0a" };
  const masters = [20, 21, 22].map((id) => ({
    id,
    role: "master",
    ip: `10.77.0.${id}`,
    mac: `02:00:0a:4d:00:${id}`,
  }));
  try {
    await lab.setUp();
    await lab.startOneGate([vm, ...masters]);
    const booted = await lab.boot(image, vm, { ONEAPP_VNF_LB0_IP: "10.77.0.100" });
    const since = () => (Date.now() - booted.started) / 1000;
    const marks: Record<string, number> = {};
    await lab.waitFor("the first OneGate update, SSH and READY", 10 * 60_000, async () => {
      const mine = lab.published().filter((u) => u.vm === vm.id);
      if (marks.onegate === undefined && mine.length > 0) marks.onegate = since();
      if (marks.ready === undefined && mine.some((u) => u.set.READY === "YES")) marks.ready = since();
      if (marks.ssh === undefined && (await lab.ssh(vm.ip, "true", 10_000)).exitCode === 0)
        marks.ssh = since();
      return Object.keys(marks).length === 3 ? true : undefined;
    });
    return marks;
  } finally {
    await lab.cleanup();
  }
}

export async function benchAppliance(source = process.env.ONEKUBE_CACHE ?? DEFAULT_CACHE): Promise<void> {
  const cache = mkdtempSync(join(tmpdir(), "onekube-bench-appliance-"));
  const out = join(cache, "out");
  try {
    // Everything of the real cache but the appliance's own stages.
    for (const entry of readdirSync(source))
      if (entry !== "appliance") symlinkSync(join(source, entry), join(cache, entry));
    mkdirSync(out);
    const cold = await build(cache, out);
    const warm = await build(cache, out);
    const m = cold.result.manifest;
    console.log("appliance build (onekube appliance build; 2 cores)");
    console.log(
      `  cold: ${cold.seconds.toFixed(0)} s (${cold.result.stages.map((s) => `${s.name} ${s.seconds.toFixed(0)} s`).join(", ")})`,
    );
    console.log(`  warm: ${warm.seconds.toFixed(1)} s (status ${warm.result.status})`);
    console.log(`  image: ${gib(m.fileSize)} file (compressed qcow2), ${gib(m.virtualSize)} virtual`);
    const t = await bootTimes(cold.result.files.qcow2);
    console.log(`appliance boot under QEMU (${hostAccel()}), vnf role, from QEMU's start`);
    console.log(`  SSH as root with the context's key: ${t.ssh?.toFixed(0)} s`);
    console.log(`  first OneGate request published:   ${t.onegate?.toFixed(0)} s`);
    console.log(`  READY=YES (VRRP MASTER):           ${t.ready?.toFixed(0)} s`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
