import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StorageConfig } from "../../../src/params/types.js";
import { fstabLine, mergeFstab, renderFstab } from "../../../src/render/storage.js";

const storage: StorageConfig = {
  device: "/dev/vdb",
  filesystem: "xfs",
  label: "STORAGE",
  mountpoint: "/var/lib/longhorn",
};
const line = fstabLine(storage, "UUID=u-1");

describe("fstabLine", () => {
  it("is by label for the preview and by the given source for the agent", () => {
    assert.equal(renderFstab(storage).content, "LABEL=STORAGE /var/lib/longhorn xfs defaults,nofail 0 2\n");
    assert.equal(line, "UUID=u-1 /var/lib/longhorn xfs defaults,nofail 0 2");
  });

  it("escapes blanks in the mount point as fstab does", () => {
    const spaced = fstabLine({ ...storage, mountpoint: "/srv/long horn" }, "UUID=u-1");
    assert.equal(spaced, "UUID=u-1 /srv/long\\040horn xfs defaults,nofail 0 2");
    // and merging recognises the escaped mount point as the same one
    assert.equal(mergeFstab(`${spaced}\n`, spaced), `${spaced}\n`);
  });
});

describe("mergeFstab", () => {
  const base = "# /etc/fstab\nUUID=root / ext4 errors=remount-ro 0 1\n\n/swap none swap sw 0 0\n";

  it("appends the line once and then leaves the file as it is", () => {
    const once = mergeFstab(base, line);
    assert.equal(once, `${base}${line}\n`);
    assert.equal(mergeFstab(once, line), once);
  });

  it("replaces an entry for the same mount point in place and drops later duplicates", () => {
    const old = "LABEL=STORAGE /var/lib/longhorn xfs defaults 0 0";
    const current = `${old}\nUUID=root / ext4 defaults 0 1\n${old}\n`;
    assert.equal(mergeFstab(current, line), `${line}\nUUID=root / ext4 defaults 0 1\n`);
  });

  it("keeps comments mentioning the mount point, other entries and a file without a final newline", () => {
    const current = "# /var/lib/longhorn below\n/dev/vdc /var/lib/longhorn2 ext4 defaults 0 2";
    assert.equal(mergeFstab(current, line), `${current}\n${line}\n`);
    assert.equal(mergeFstab("", line), `${line}\n`);
  });
});
