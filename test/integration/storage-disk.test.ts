import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ConfigError } from "../../src/errors.js";
import { hostExec } from "../../src/host/exec.js";
import { growDisk } from "../../src/local/vm-disk.js";
import { prepareStorageDisk } from "../../src/node/disk.js";
import type { Filesystem, StorageConfig } from "../../src/params/types.js";
import { LoopDisks, statfsBytes } from "../helpers/loop-disks.js";
import { requireRoot, tool } from "../helpers/netns-lab.js";

// Real loop devices, real mkfs and mounts, all under one temporary directory (mount points and
// fstab included): never /etc/fstab or /var/lib/longhorn. 320 MiB: recent mkfs.xfs wants ≥ 300.
const disks = new LoopDisks();
const FSTAB_HEAD = "# the test's own fstab\nUUID=root-uuid / ext4 errors=remount-ro 0 1\n";
const lines: string[] = [];
const log = (l: string) => lines.push(l);

before(() => {
  requireRoot();
  for (const t of ["losetup", "findmnt", "blkid", "wipefs", "blockdev", "mount"]) tool(t, "util-linux");
  for (const t of ["mkfs.xfs", "xfs_info", "xfs_growfs"]) tool(t, "xfsprogs");
  for (const t of ["mkfs.ext4", "dumpe2fs", "resize2fs"]) tool(t, "e2fsprogs");
});
after(async () => {
  for (const l of lines) console.log(`# ${l}`); // the module's own step timings
  await disks.cleanup();
});

async function blkid(device: string): Promise<Record<string, string>> {
  const r = await hostExec.run("blkid", ["-p", "-o", "export", device]);
  return Object.fromEntries(r.stdout.split("\n").map((l) => l.split("=", 2) as [string, string]));
}

/** What is mounted at `path` ("" when nothing). */
async function mountedAt(path: string): Promise<string> {
  const r = await hostExec.run("findmnt", ["-n", "-o", "SOURCE,FSTYPE", "--mountpoint", path], {
    allowFailure: true,
  });
  return r.stdout.trim();
}

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  const result = await run();
  console.log(`# ${what}: ${Number(process.hrtime.bigint() - start) / 1e6} ms`);
  return result;
}

for (const fs of ["xfs", "ext4"] as const satisfies readonly Filesystem[]) {
  describe(`storage disk as ${fs}`, () => {
    let storage: StorageConfig;
    let file = "";
    let fstab = "";
    let uuid = "";
    const prepare = () => prepareStorageDisk(hostExec, storage, { fstab, log });

    before(async () => {
      const disk = await disks.attach(`${fs}-fresh`, 320);
      file = disk.file;
      storage = {
        device: disk.device,
        filesystem: fs,
        label: "STORAGE",
        mountpoint: join(disks.root, fs, "lh"),
      };
      fstab = join(disks.root, `${fs}.fstab`);
      writeFileSync(fstab, FSTAB_HEAD);
    });

    test("a blank disk is formatted, labelled, mounted and kept in fstab by UUID", async () => {
      const r = await timed(`${fs} format+mount`, prepare);
      assert.deepEqual(
        [r.changed, r.formatted, r.mounted, r.fstabChanged, r.grown],
        [true, true, true, true, false],
      );
      const found = await blkid(storage.device);
      assert.deepEqual([found.TYPE, found.LABEL, found.UUID], [fs, "STORAGE", r.uuid]);
      assert.equal(await mountedAt(storage.mountpoint), `${storage.device} ${fs}`);
      const entry = `UUID=${r.uuid} ${storage.mountpoint} ${fs} defaults,nofail 0 2\n`;
      assert.equal(readFileSync(fstab, "utf8"), FSTAB_HEAD + entry);
      uuid = r.uuid;
      writeFileSync(join(storage.mountpoint, "replica.img"), "data");
    });

    test("a re-run changes nothing: same filesystem, same data, same fstab", async () => {
      const before = readFileSync(fstab, "utf8");
      const r = await timed(`${fs} re-run (reuse)`, prepare);
      assert.deepEqual(
        [r.changed, r.formatted, r.mounted, r.fstabChanged, r.grown],
        [false, false, false, false, false],
      );
      assert.equal(r.uuid, uuid);
      assert.equal((await blkid(storage.device)).UUID, uuid);
      assert.equal(readFileSync(join(storage.mountpoint, "replica.img"), "utf8"), "data");
      assert.equal(readFileSync(fstab, "utf8"), before);
    });

    test("after a reboot (not mounted) it is mounted again, not formatted", async () => {
      await hostExec.run("umount", [storage.mountpoint]);
      const r = await prepare();
      assert.deepEqual([r.changed, r.formatted, r.mounted, r.fstabChanged], [true, false, true, false]);
      assert.equal(r.uuid, uuid);
      assert.equal(readFileSync(join(storage.mountpoint, "replica.img"), "utf8"), "data");
    });

    test("after the disk grows, a re-run grows the mounted filesystem, once", async () => {
      const small = statfsBytes(storage.mountpoint);
      await growDisk(hostExec, storage.device, file, 640);
      const r = await timed(`${fs} grow 320 → 640 MiB`, prepare);
      assert.deepEqual([r.changed, r.grown, r.formatted, r.mounted], [true, true, false, false]);
      assert.equal(r.filesystemBytes, 640 * 1024 * 1024);
      assert.ok(
        statfsBytes(storage.mountpoint) > 1.8 * small,
        `${statfsBytes(storage.mountpoint)} vs ${small}`,
      );
      assert.equal(readFileSync(join(storage.mountpoint, "replica.img"), "utf8"), "data");
      const again = await timed(`${fs} re-run after grow`, prepare);
      assert.deepEqual([again.changed, again.grown], [false, false]);
      assert.equal(again.uuid, uuid);
    });

    test("a boot after a resize: mounted again and grown", async () => {
      await hostExec.run("umount", [storage.mountpoint]);
      await growDisk(hostExec, storage.device, file, 960);
      const r = await timed(`${fs} boot after grow 640 → 960 MiB`, prepare);
      assert.deepEqual([r.changed, r.grown, r.mounted, r.formatted], [true, true, true, false]);
      assert.equal(r.filesystemBytes, 960 * 1024 * 1024);
      assert.equal(r.uuid, uuid);
      assert.equal(readFileSync(join(storage.mountpoint, "replica.img"), "utf8"), "data");
      assert.equal((await prepare()).changed, false);
    });

    const other = fs === "xfs" ? "ext4" : "xfs";
    const strangers: [string, Filesystem, string][] = [
      [`${other} where ${fs} is expected`, other, "STORAGE"],
      [`${fs} under another label`, fs, "OTHER"],
    ];
    for (const [what, theirs, label] of strangers) {
      test(`a disk holding ${what} is refused and left as it was`, async () => {
        // GIVEN a disk with someone's data on it
        const { device } = await disks.attach(`${fs}-${theirs}-${label}`, 320);
        const mkfs = theirs === "xfs" ? ["mkfs.xfs", "-q"] : ["mkfs.ext4", "-q"];
        await hostExec.run(mkfs[0] ?? "", [...mkfs.slice(1), "-L", label, device]);
        const scratch = join(disks.root, `scratch-${theirs}-${label}`);
        mkdirSync(scratch);
        await hostExec.run("mount", [device, scratch]);
        writeFileSync(join(scratch, "theirs.txt"), "keep me");
        await hostExec.run("umount", [scratch]);
        const theirUuid = (await blkid(device)).UUID;
        const mountpoint = join(disks.root, `refused-${theirs}-${label}`);
        const theirFstab = join(disks.root, `refused-${theirs}-${label}.fstab`);
        // WHEN the storage role prepares it
        const refused = prepareStorageDisk(
          hostExec,
          { ...storage, device, mountpoint },
          { fstab: theirFstab, log },
        );
        // THEN a clear error naming the device, what is there and what was expected
        await assert.rejects(refused, (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.match(e.message, new RegExp(`ONEAPP_STORAGE_DEVICE="${device}"`));
          assert.match(
            e.message,
            new RegExp(`${device} holds ${theirs} labelled "${label}" \\(UUID ${theirUuid}\\)`),
          );
          assert.match(e.message, new RegExp(`expected a blank disk or ${fs} labelled "STORAGE"`));
          return true;
        });
        // AND nothing touched: same filesystem, not mounted, no mount point, no fstab, data there
        assert.equal((await blkid(device)).UUID, theirUuid);
        assert.equal((await disks.mountsUnder()).filter((m) => m.source === device).length, 0);
        assert.equal(existsSync(mountpoint) || existsSync(theirFstab), false);
        await hostExec.run("mount", ["-o", "ro", device, scratch]);
        assert.equal(readFileSync(join(scratch, "theirs.txt"), "utf8"), "keep me");
        await hostExec.run("umount", [scratch]);
      });
    }
  });
}
