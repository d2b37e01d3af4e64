/**
 * A VM's extra disk: a sparse file on the host attached to a loop device, which the VM sees at
 * ONEAPP_STORAGE_DEVICE. Growing it is what OpenNebula's disk resize does to a real VM: the
 * image grows and the guest's block device reports the new capacity (`losetup -c`).
 */
import { stat, truncate, writeFile } from "node:fs/promises";
import { z } from "zod";
import { UsageError } from "../errors.js";
import type { Exec } from "../host/exec.js";
import type { Ledger } from "./ledger.js";

const MIB = 1024 * 1024;

export async function attachDisk(
  exec: Exec,
  ledger: Ledger,
  id: number,
  file: string,
  sizeMb: number,
): Promise<string> {
  if (!Number.isInteger(sizeMb) || sizeMb < 1) throw new UsageError(`disk of VM ${id}: size ${sizeMb} MiB`);
  ledger.append({ kind: "loop", file, vm: id });
  await writeFile(file, "", { mode: 0o600 });
  await truncate(file, sizeMb * MIB);
  const r = await exec.run("losetup", ["--find", "--show", file], {
    operation: `attach the disk of VM ${id}`,
  });
  return r.stdout.trim();
}

/** Grows the backing file and tells the kernel; shrinking would destroy data, so it is refused. */
export async function growDisk(exec: Exec, device: string, file: string, sizeMb: number): Promise<void> {
  const current = (await stat(file)).size;
  if (sizeMb * MIB < current) {
    throw new UsageError(
      `disk ${device} is ${current / MIB} MiB; shrinking to ${sizeMb} MiB is not supported`,
    );
  }
  await truncate(file, sizeMb * MIB);
  await exec.run("losetup", ["--set-capacity", device], { operation: `resize ${device}` });
}

const listing = z.object({
  loopdevices: z.array(z.object({ name: z.string(), "back-file": z.string().nullable().optional() })),
});

/** Loop devices whose backing file lies under `dir` (also when the file was deleted). */
export async function loopDevicesUnder(exec: Exec, dir: string): Promise<string[]> {
  const r = await exec.run("losetup", ["--list", "--json"], { operation: "list loop devices" });
  if (!r.stdout.trim()) return [];
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return listing
    .parse(JSON.parse(r.stdout))
    .loopdevices.filter((d) => (d["back-file"] ?? "").startsWith(prefix))
    .map((d) => d.name);
}

/** Detaches; a device still mounted inside a dying VM is detached by the kernel once released (autoclear). */
export async function detachLoop(exec: Exec, device: string): Promise<void> {
  await exec.run("losetup", ["--detach", device], { allowFailure: true });
}
