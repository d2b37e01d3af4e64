import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { hostExec } from "../../host/exec.js";
import { vmDir } from "../../local/names.js";
import { growDisk } from "../../local/vm-disk.js";
import { readVmRecord } from "../../local/vm-exec.js";
import type { Io } from "../io.js";
import { findCloud, findVm } from "./access.js";

/** `20G`, `512M` or a number of MiB. */
export function parseSizeMb(text: string): number {
  const m = /^(\d+)([MG]i?B?)?$/i.exec(text.trim());
  if (!m?.[1])
    throw new UsageError(`size ${JSON.stringify(text)}: expected MiB, or a number with M or G (e.g. 20G)`);
  const n = Number(m[1]) * (m[2]?.toUpperCase().startsWith("G") ? 1024 : 1);
  if (n < 1) throw new UsageError(`size ${JSON.stringify(text)} must be at least 1 MiB`);
  return n;
}

export function registerDisk(program: Command, io: Io): void {
  const disk = program.command("disk").description("the storage VMs' dedicated disks");
  disk
    .command("resize")
    .argument("<name>", "the local cloud")
    .argument("<vm>", "a storage VM's id, name or IP")
    .argument("<size>", "the new size: MiB, or e.g. 20G (disks only grow)")
    .description(
      "grow a VM's dedicated disk, as OpenNebula's disk resize does (the VM sees the new size at once)",
    )
    .action(async (name: string, which: string, size: string) => {
      const cloud = findCloud(io, name);
      const vm = findVm(cloud, which);
      const record = readVmRecord(cloud.root, name, vm.id);
      const file = join(vmDir(cloud.root, name, vm.id), "disk.img");
      if (!record.loopDevice || !existsSync(file))
        throw new UsageError(`VM ${vm.id} (${vm.name}) has no dedicated disk`);
      const mb = parseSizeMb(size);
      await growDisk(hostExec, record.loopDevice, file, mb);
      io.out(`onekube: the disk of VM ${vm.id} (${vm.name}) is now ${mb} MiB\n`);
    });
}
