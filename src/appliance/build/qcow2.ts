/**
 * The raw disk as OpenNebula imports it: a compressed qcow2 (zlib, which every QEMU reads),
 * checked by `qemu-img check`, with its SHA-256 and MD5 (the marketplace's checksums).
 */
import { statSync } from "node:fs";
import type { Exec } from "../../host/exec.js";
import { fileDigest } from "./inputs.js";

export interface Qcow2Facts {
  readonly virtualSize: number;
  readonly fileSize: number;
  readonly sha256: string;
  readonly md5: string;
}

export async function toQcow2(exec: Exec, raw: string, out: string): Promise<Qcow2Facts> {
  await exec.run(
    "qemu-img",
    ["convert", "-c", "-f", "raw", "-O", "qcow2", "-o", "compression_type=zlib", raw, out],
    {
      operation: "compress the disk into qcow2",
      timeoutMs: 60 * 60_000,
    },
  );
  return qcow2Facts(exec, out);
}

export async function qcow2Facts(exec: Exec, file: string): Promise<Qcow2Facts> {
  await exec.run("qemu-img", ["check", "-f", "qcow2", file], { operation: `check ${file}` });
  const info = JSON.parse(
    (
      await exec.run("qemu-img", ["info", "--output=json", "-f", "qcow2", file], {
        operation: `inspect ${file}`,
      })
    ).stdout,
  ) as { "virtual-size": number };
  const [sha256, md5] = await Promise.all([fileDigest(file, "sha256"), fileDigest(file, "md5")]);
  return { virtualSize: info["virtual-size"], fileSize: statSync(file).size, sha256, md5 };
}
