/**
 * Which partition holds / and its number, read from sysfs as the kernel lays it out. A real
 * growpart + resize2fs cannot run here (loop devices get no partitions in this sandbox), so the
 * plan is tested on sysfs trees shaped like a VM's; the commands it leads to are growpart's and
 * resize2fs'/xfs_growfs' own.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { growRootWanted, planGrowRoot } from "../../../src/appliance/context/growroot.js";

const sys = mkdtempSync(join(tmpdir(), "okb-sys-"));
after(() => rmSync(sys, { recursive: true, force: true }));

/** A block device in the fake sysfs: devices/.../block/<disk>[/<part>], linked from dev/block/MAJ:MIN. */
function device(majMin: string, path: string, partition?: number): void {
  const dir = join(sys, "devices", path);
  mkdirSync(dir, { recursive: true });
  if (partition !== undefined) writeFileSync(join(dir, "partition"), `${partition}\n`);
  mkdirSync(join(sys, "dev", "block"), { recursive: true });
  symlinkSync(join("..", "..", "devices", path), join(sys, "dev", "block", majMin));
}
device("254:0", "pci0000:00/0000:00:04.0/virtio1/block/vda");
device("254:1", "pci0000:00/0000:00:04.0/virtio1/block/vda/vda1", 1);
device("259:3", "pci0000:00/0000:00:05.0/nvme/nvme0/nvme0n1/nvme0n1p3", 3);
device("253:0", "virtual/block/dm-0");

describe("growroot plan", () => {
  const cases: [string, { majMin: string; fstype: string }, object][] = [
    [
      "ext4 on vda1: growpart /dev/vda 1, resize2fs /dev/vda1",
      { majMin: "254:1", fstype: "ext4" },
      { grow: true, disk: "/dev/vda", partition: 1, device: "/dev/vda1", fstype: "ext4" },
    ],
    [
      "xfs on an NVMe partition: the disk is the partition's parent",
      { majMin: "259:3", fstype: "xfs" },
      { grow: true, disk: "/dev/nvme0n1", partition: 3, device: "/dev/nvme0n1p3", fstype: "xfs" },
    ],
    ["a whole disk", { majMin: "254:0", fstype: "ext4" }, { grow: false }],
    ["LVM / device mapper", { majMin: "253:0", fstype: "ext4" }, { grow: false }],
    ["an overlay (containers, the local cloud)", { majMin: "0:52", fstype: "overlay" }, { grow: false }],
    ["btrfs on a partition: not grown", { majMin: "254:1", fstype: "btrfs" }, { grow: false }],
  ];
  for (const [name, mount, want] of cases)
    test(name, () => {
      const plan = planGrowRoot(mount, sys);
      if ("why" in plan) assert.deepEqual({ grow: plan.grow }, want, plan.why);
      else assert.deepEqual(plan, want);
    });

  test("the whole-disk note names the device", () => {
    const plan = planGrowRoot({ majMin: "254:0", fstype: "ext4" }, sys);
    assert.ok(!plan.grow && /\/dev\/vda, not on a partition/.test(plan.why));
  });

  test("GROW_ROOTFS=NO turns it off; anything else (or nothing) leaves it on", () => {
    assert.equal(growRootWanted({ GROW_ROOTFS: "no" }), false);
    assert.equal(growRootWanted({ GROW_ROOTFS: "YES" }), true);
    assert.equal(growRootWanted({}), true);
  });
});
