import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  deviceNumber,
  parseDumpe2fs,
  parseFindmnt,
  parseWipefs,
  parseXfsInfo,
} from "../../../src/node/disk-parse.js";

describe("parseWipefs", () => {
  it("reads signatures, dropping what a signature does not have", () => {
    const out = JSON.stringify({
      signatures: [
        { device: "loop0", offset: "0x0", type: "xfs", uuid: "u-1", label: "STORAGE" },
        { device: "loop0", offset: "0x1fe", type: "PMBR", uuid: null, label: null },
        { device: "loop0", offset: "0x200", type: "gpt" },
      ],
    });
    assert.deepEqual(parseWipefs(out), [
      { type: "xfs", offset: "0x0", label: "STORAGE", uuid: "u-1" },
      { type: "PMBR", offset: "0x1fe", label: undefined, uuid: undefined },
      { type: "gpt", offset: "0x200", label: undefined, uuid: undefined },
    ]);
  });

  it("reads a blank disk, whether wipefs prints an empty list or nothing", () => {
    assert.deepEqual(parseWipefs('{\n   "signatures": [\n\n   ]\n}\n'), []);
    assert.deepEqual(parseWipefs(""), []);
  });
});

describe("parseFindmnt", () => {
  it("keeps source, target and the device number, in mount order", () => {
    const out = JSON.stringify({
      filesystems: [
        { source: "/dev/vda1", target: "/", "maj:min": "252:1" },
        { source: "/dev/loop0", target: "/tmp/x/m", "maj:min": "7:0" },
      ],
    });
    assert.deepEqual(parseFindmnt(out), [
      { source: "/dev/vda1", target: "/", device: "252:1" },
      { source: "/dev/loop0", target: "/tmp/x/m", device: "7:0" },
    ]);
  });
});

describe("deviceNumber", () => {
  it("decodes glibc's encoding, including minors above 255", () => {
    assert.equal(deviceNumber(0x0700n), "7:0");
    assert.equal(deviceNumber(0xfc10n), "252:16");
    // loop300: minor 300 = 0x12c → low byte 0x2c, the rest shifted up by 12
    assert.equal(deviceNumber(0x0700n | 0x2cn | (0x100n << 12n)), "7:300");
    assert.equal(deviceNumber((0x1000n << 32n) | 0x0100n), "4097:0");
  });
});

describe("filesystem sizes", () => {
  it("reads xfs_info's data section, not the log's or naming's block size", () => {
    const out = [
      "meta-data=/dev/loop0             isize=512    agcount=4, agsize=20480 blks",
      "data     =                       bsize=4096   blocks=81920, imaxpct=25",
      "naming   =version 2              bsize=8192   ascii-ci=0, ftype=1",
      "log      =internal log           bsize=4096   blocks=16384, version=2",
    ].join("\n");
    assert.deepEqual(parseXfsInfo(out), { bytes: 81920 * 4096, blockSize: 4096 });
  });

  it("reads dumpe2fs -h", () => {
    const out =
      "Block count:              327680\nReserved block count:     16384\nBlock size:               1024\n";
    assert.deepEqual(parseDumpe2fs(out), { bytes: 327680 * 1024, blockSize: 1024 });
  });

  it("fails naming what it could not read", () => {
    assert.throws(() => parseXfsInfo("nothing"), /cannot read the xfs block size/);
    assert.throws(() => parseDumpe2fs("Block size: 4096\n"), /cannot read the ext4 block count/);
  });
});
