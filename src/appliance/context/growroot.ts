/**
 * Grows the root file system into its disk (the disk of a VM is often made larger than the
 * image): the partition holding / (`growpart DISK N`), then its file system (`resize2fs` or
 * `xfs_growfs`). Which partition is read from sysfs through the root's device number, so a
 * root named /dev/root or by UUID is found alike. A root not on a partition (a whole disk, LVM
 * or another device mapper, an overlay: containers, the local cloud) is left alone with a note.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { HostError } from "../../errors.js";
import type { Step } from "./step.js";

export interface RootMount {
  /** MAJ:MIN of the device, as findmnt prints it. */
  readonly majMin: string;
  readonly fstype: string;
}

export type GrowPlan =
  | {
      readonly grow: true;
      readonly disk: string;
      readonly partition: number;
      readonly device: string;
      readonly fstype: string;
    }
  | { readonly grow: false; readonly why: string };

const GROWABLE = new Set(["ext4", "ext3", "ext2", "xfs"]);

/** Which disk and partition to grow, read from a sysfs tree (`/sys` on a VM, a copy in tests). */
export function planGrowRoot(mount: RootMount, sys = "/sys"): GrowPlan {
  const link = join(sys, "dev", "block", mount.majMin);
  if (!existsSync(link))
    return { grow: false, why: `/ is not on a block device (${mount.fstype} ${mount.majMin})` };
  const dev = realpathSync(link);
  const name = basename(dev);
  const partitionFile = join(dev, "partition");
  if (!existsSync(partitionFile))
    return {
      grow: false,
      why: `/ is on /dev/${name}, not on a partition (whole disk, LVM or device mapper)`,
    };
  if (!GROWABLE.has(mount.fstype))
    return { grow: false, why: `/ is ${mount.fstype} on /dev/${name}: onekube grows ext4 and xfs only` };
  return {
    grow: true,
    disk: `/dev/${basename(dirname(dev))}`,
    partition: Number(readFileSync(partitionFile, "utf8").trim()),
    device: `/dev/${name}`,
    fstype: mount.fstype,
  };
}

/** GROW_ROOTFS=NO turns it off (OpenNebula's package's name; anything else is yes). */
export const growRootWanted = (vars: Readonly<Record<string, string>>) =>
  (vars.GROW_ROOTFS ?? "").trim().toUpperCase() !== "NO";

export const growRootStep: Step = {
  name: "growroot",
  title: "grow the root partition and file system into the disk (GROW_ROOTFS)",
  async run(ctx) {
    if (!growRootWanted(ctx.vars)) {
      ctx.note("GROW_ROOTFS=NO: the root file system is left as it is");
      return "unchanged";
    }
    if (!ctx.live) {
      ctx.note("--root: the running system's root is not grown");
      return "unchanged";
    }
    const found = await ctx.exec.run("findmnt", ["-n", "-o", "MAJ:MIN,FSTYPE", "/"], {
      operation: "find the root mount",
    });
    const [majMin = "", fstype = ""] = found.stdout.trim().split(/\s+/);
    const plan = planGrowRoot({ majMin, fstype });
    if (!plan.grow) {
      ctx.note(`${plan.why}: not grown`);
      return "unchanged";
    }
    // growpart exits 1 with NOCHANGE when the partition already fills what it can.
    const part = await ctx.exec.run("growpart", [plan.disk, String(plan.partition)], {
      operation: `grow partition ${plan.partition} of ${plan.disk}`,
      allowFailure: true,
    });
    const grewPartition = part.exitCode === 0;
    if (!grewPartition && !part.stdout.startsWith("NOCHANGE"))
      throw new HostError(
        `grow partition ${plan.partition} of ${plan.disk}`,
        part.command,
        part.exitCode,
        `${part.stdout}\n${part.stderr}`,
      );
    const fs =
      plan.fstype === "xfs"
        ? await ctx.exec.run("xfs_growfs", ["/"], { operation: "grow the root file system" })
        : await ctx.exec.run("resize2fs", [plan.device], { operation: "grow the root file system" });
    const grewFs =
      plan.fstype === "xfs"
        ? /data blocks changed/.test(fs.stdout)
        : !/Nothing to do/.test(`${fs.stdout}${fs.stderr}`);
    if (grewPartition || grewFs) ctx.note(`grew ${plan.device} (${plan.fstype})`);
    return grewPartition || grewFs ? "changed" : "unchanged";
  },
};
