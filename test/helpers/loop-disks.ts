/**
 * Throw-away block devices for integration tests: sparse files in a temporary directory on loop
 * devices. `cleanup()` unmounts whatever is mounted under that directory, detaches only the loop
 * devices this instance attached, and removes the directory: nothing else on the host is touched.
 */
import { mkdtempSync, rmSync, statfsSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostExec } from "../../src/host/exec.js";
import { parseFindmnt } from "../../src/node/disk-parse.js";

const MIB = 1024 * 1024;

export class LoopDisks {
  readonly root = mkdtempSync(join(tmpdir(), "onekube-disk-"));
  private readonly attached: string[] = [];

  /** A new blank disk of `sizeMb` MiB: its device and backing file. */
  async attach(name: string, sizeMb: number): Promise<{ device: string; file: string }> {
    const file = join(this.root, `${name}.img`);
    writeFileSync(file, "", { mode: 0o600 });
    truncateSync(file, sizeMb * MIB);
    const r = await hostExec.run("losetup", ["--find", "--show", file], { operation: `attach ${file}` });
    const device = r.stdout.trim();
    this.attached.push(device);
    return { device, file };
  }

  /** Where `device` (or anything) is mounted under this instance's directory. */
  async mountsUnder(): Promise<{ source: string; target: string }[]> {
    const r = await hostExec.run("findmnt", ["--json", "--list", "--output", "SOURCE,TARGET,MAJ:MIN"]);
    return parseFindmnt(r.stdout).filter((m) => m.target.startsWith(`${this.root}/`));
  }

  async cleanup(): Promise<void> {
    for (const m of (await this.mountsUnder()).reverse()) {
      await hostExec.run("umount", [m.target], { allowFailure: true });
    }
    for (const device of this.attached)
      await hostExec.run("losetup", ["--detach", device], { allowFailure: true });
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Size of the filesystem mounted at `path` as the kernel reports it (df), bytes. */
export function statfsBytes(path: string): number {
  const s = statfsSync(path);
  return s.blocks * s.bsize;
}
