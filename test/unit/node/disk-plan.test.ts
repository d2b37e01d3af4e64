import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DiskProbe, type MountRow, planDisk, type Signature } from "../../../src/node/disk-plan.js";
import type { StorageConfig } from "../../../src/params/types.js";

const storage: StorageConfig = {
  device: "/dev/vdb",
  filesystem: "xfs",
  label: "STORAGE",
  mountpoint: "/var/lib/longhorn",
};
const UUID = "9d59d699-733a-4bc2-a4a9-805d01afb4d2";
const ours: Signature = { type: "xfs", offset: "0x0", label: "STORAGE", uuid: UUID };
const root: MountRow = { source: "/dev/vda1", target: "/", device: "252:1" };
const atMountpoint: MountRow = { source: "/dev/vdb", target: "/var/lib/longhorn", device: "252:16" };

function probe(over: Partial<DiskProbe> = {}): DiskProbe {
  return {
    node: { kind: "block", number: "252:16" },
    signatures: [],
    mounts: [root],
    mountpoint: "/var/lib/longhorn",
    ...over,
  };
}

function refusal(p: DiskProbe, s: StorageConfig = storage): { code: string; reason: string } {
  const plan = planDisk(p, s);
  assert.equal(plan.action, "refuse", JSON.stringify(plan));
  return plan as { code: string; reason: string };
}

describe("planDisk", () => {
  it("formats a disk with nothing on it", () => {
    assert.deepEqual(planDisk(probe(), storage), { action: "format" });
  });

  it("reuses the expected filesystem, mounted or not, and never formats it", () => {
    // GIVEN our filesystem after a reboot (not mounted) and on a re-run (mounted)
    assert.deepEqual(planDisk(probe({ signatures: [ours] }), storage), {
      action: "reuse",
      uuid: UUID,
      mounted: false,
    });
    const mounted = probe({ signatures: [ours], mounts: [root, atMountpoint] });
    assert.deepEqual(planDisk(mounted, storage), { action: "reuse", uuid: UUID, mounted: true });
  });

  it("reuses ext4 when ext4 is asked for (ext4's superblock sits at 0x438)", () => {
    const ext4: Signature = { type: "ext4", offset: "0x438", label: "STORAGE", uuid: UUID };
    const plan = planDisk(probe({ signatures: [ext4] }), { ...storage, filesystem: "ext4" });
    assert.deepEqual(plan, { action: "reuse", uuid: UUID, mounted: false });
  });

  it("refuses another filesystem, naming the device, what it found and what it expected", () => {
    const ext4: Signature = { type: "ext4", offset: "0x438", label: "STORAGE", uuid: UUID };
    const { code, reason } = refusal(probe({ signatures: [ext4] }));
    assert.equal(code, "storage_device_not_blank");
    assert.match(reason, /^\/dev\/vdb holds ext4 labelled "STORAGE" \(UUID 9d59d699-.*\) at offset 0x438/);
    assert.match(reason, /expected a blank disk or xfs labelled "STORAGE"/);
    assert.match(reason, /nothing was changed$/);
  });

  it("refuses the right type under another label, or under none", () => {
    for (const label of ["DATA", undefined, "storage"]) {
      const { code, reason } = refusal(probe({ signatures: [{ ...ours, label }] }));
      assert.equal(code, "storage_device_not_blank");
      assert.match(reason, /holds xfs/);
    }
  });

  it("refuses a partition table, and several signatures at once", () => {
    const gpt: Signature = { type: "gpt", offset: "0x200" };
    const pmbr: Signature = { type: "PMBR", offset: "0x1fe" };
    assert.match(refusal(probe({ signatures: [gpt, pmbr] })).reason, /holds gpt at offset 0x200, PMBR at/);
    // our own filesystem plus a stray partition table is not ours to guess about either
    assert.equal(refusal(probe({ signatures: [ours, pmbr] })).code, "storage_device_not_blank");
  });

  it("refuses a missing device or one that is not a block device", () => {
    assert.equal(refusal(probe({ node: { kind: "missing" } })).code, "storage_device_missing");
    assert.match(refusal(probe({ node: { kind: "missing" } })).reason, /\/dev\/vdb does not exist/);
    assert.equal(refusal(probe({ node: { kind: "other" } })).code, "storage_device_not_block");
  });

  it("refuses when another filesystem is mounted on the mount point (the top one counts)", () => {
    const other: MountRow = { source: "/dev/vdc", target: "/var/lib/longhorn", device: "252:32" };
    const busy = refusal(probe({ signatures: [ours], mounts: [root, other] }));
    assert.equal(busy.code, "storage_mountpoint_busy");
    assert.match(busy.reason, /\/var\/lib\/longhorn already has \/dev\/vdc mounted on it, not \/dev\/vdb/);
    // ours mounted first, then something stacked over it: still busy
    assert.equal(refusal(probe({ signatures: [ours], mounts: [atMountpoint, other] })).code, busy.code);
    // the other way round: ours on top is reuse
    const plan = planDisk(probe({ signatures: [ours], mounts: [other, atMountpoint] }), storage);
    assert.deepEqual(plan, { action: "reuse", uuid: UUID, mounted: true });
  });

  it("compares mount points as the probe resolved them", () => {
    // GIVEN a configured path that is a symlink; the probe gives its real path
    const real: MountRow = { ...atMountpoint, target: "/data/longhorn" };
    const p = probe({ signatures: [ours], mounts: [root, real], mountpoint: "/data/longhorn" });
    assert.deepEqual(planDisk(p, storage), { action: "reuse", uuid: UUID, mounted: true });
  });

  it("refuses our filesystem mounted only somewhere else, but ignores extra mounts besides ours", () => {
    const mnt: MountRow = { source: "/dev/vdb", target: "/mnt", device: "252:16" };
    const elsewhere = refusal(probe({ signatures: [ours], mounts: [root, mnt] }));
    assert.equal(elsewhere.code, "storage_device_mounted_elsewhere");
    assert.match(elsewhere.reason, /mounted at \/mnt, not at \/var\/lib\/longhorn; unmount it first/);
    const both = planDisk(probe({ signatures: [ours], mounts: [root, atMountpoint, mnt] }), storage);
    assert.deepEqual(both, { action: "reuse", uuid: UUID, mounted: true });
  });

  it("refuses a mounted device that shows no signature, and a filesystem without a UUID", () => {
    assert.equal(refusal(probe({ mounts: [root, atMountpoint] })).code, "storage_device_in_use");
    assert.equal(
      refusal(probe({ signatures: [{ ...ours, uuid: undefined }] })).code,
      "storage_device_no_uuid",
    );
  });
});
