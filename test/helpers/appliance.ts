import assert from "node:assert/strict";
import { onekube } from "./cli.js";

/**
 * The appliance image, built by the real command into `out` (the cache makes a second build
 * instant); its qcow2's path. A cold build takes minutes: the Debian base comes from the archive.
 */
export async function buildTestImage(out: string): Promise<string> {
  const env: Record<string, string> = { HOME: process.env.HOME ?? "/root" };
  if (process.env.ONEKUBE_CACHE) env.ONEKUBE_CACHE = process.env.ONEKUBE_CACHE;
  const r = await onekube(["appliance", "build", "--out", out, "--json"], env, 60 * 60_000);
  assert.equal(r.code, 0, `onekube appliance build failed:\n${r.stderr.slice(-3000)}`);
  return (JSON.parse(r.stdout) as { files: { qcow2: string } }).files.qcow2;
}
