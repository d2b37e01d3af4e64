/** Inputs the import-set tests share: a manifest as `onekube appliance build` writes it. */
import type { ImageManifest } from "../../../src/appliance/export/manifest.js";

export const MANIFEST: ImageManifest = {
  file: "onekube-0.1.0-amd64.qcow2",
  version: "0.1.0",
  sha256: "a".repeat(64),
  md5: "b".repeat(32),
  virtualSize: 4 * 2 ** 30,
  fileSize: 1_500_000_000,
  debian: { release: "13", codename: "trixie" },
  created: "2026-01-02T03:04:05.000Z",
};

export const NOW = 1_767_000_000;
