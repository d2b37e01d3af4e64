/**
 * The image's Debian base: mmdebstrap makes a root file system from Debian's archive alone, as a
 * tarball, with every timestamp clamped to the recipe's epoch. Cached by what makes it (release,
 * mirror, packages), so onekube's own changes never fetch Debian again.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Exec } from "../../host/exec.js";
import { APPLIANCE_EPOCH, DEBIAN, PACKAGES } from "../recipe.js";
import { textDigest } from "./inputs.js";

/** Documentation and translations nobody reads on a node (one-apps' images drop them too). */
const DPKG_EXCLUDES = [
  "path-exclude=/usr/share/man/*",
  "path-exclude=/usr/share/info/*",
  "path-exclude=/usr/share/doc/*",
  "path-include=/usr/share/doc/*/copyright",
  "path-exclude=/usr/share/locale/*",
  "path-include=/usr/share/locale/locale.alias",
];

export interface BaseOptions {
  readonly exec: Exec;
  readonly dir: string;
  readonly mirror: string;
}

export function baseKey(mirror: string): string {
  return textDigest(
    "base/1",
    DEBIAN.codename,
    mirror,
    ...PACKAGES,
    ...DPKG_EXCLUDES,
    String(APPLIANCE_EPOCH),
  );
}

export function mmdebstrapArgs(mirror: string, out: string): string[] {
  return [
    "--variant=minbase",
    "--mode=root",
    "--format=tar",
    "--components=main",
    `--include=${PACKAGES.join(",")}`,
    ...DPKG_EXCLUDES.map((o) => `--dpkgopt=${o}`),
    '--aptopt=Acquire::Retries "3"',
    DEBIAN.codename,
    out,
    mirror,
  ];
}

/** The base tarball for `mirror`, made once; true in `built` when this call made it. */
export async function baseRootfs(o: BaseOptions): Promise<{ tar: string; built: boolean; key: string }> {
  const key = baseKey(o.mirror);
  const tar = join(o.dir, `debian-${DEBIAN.codename}-${key.slice(0, 16)}.tar`);
  if (existsSync(tar)) return { tar, built: false, key };
  mkdirSync(o.dir, { recursive: true });
  const partial = `${tar}.partial`;
  rmSync(partial, { force: true });
  await o.exec.run("mmdebstrap", mmdebstrapArgs(o.mirror, partial), {
    operation: `make the Debian ${DEBIAN.codename} root file system from ${o.mirror}`,
    env: { ...cleanEnv(), SOURCE_DATE_EPOCH: String(APPLIANCE_EPOCH) },
    timeoutMs: 30 * 60_000,
  });
  renameSync(partial, tar);
  return { tar, built: true, key };
}

/** The host's environment without what would leak into the image (locale, proxies stay). */
export function cleanEnv(): Record<string, string> {
  const keep = ["PATH", "http_proxy", "https_proxy", "no_proxy", "HOME", "TMPDIR"];
  return Object.fromEntries(
    keep.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k] as string]])),
  );
}
