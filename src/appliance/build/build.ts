/**
 * `onekube appliance build`: the steps from Debian's archive and the build cache to a
 * compressed qcow2, its checksum and its manifest. Each stage is cached by the fingerprint of
 * its inputs (the Debian base by release, mirror and packages; the image by everything), so a
 * build whose inputs did not change does no work, and a change to onekube alone does not fetch
 * Debian again.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Exec } from "../../host/exec.js";
import { ADDON_MANIFESTS } from "../../versions.js";
import { renderImageFiles } from "../image-files.js";
import { APPLIANCE_EPOCH, IMAGE_PATHS } from "../recipe.js";
import { renderUnits } from "../units.js";
import { makeDisk, usedBytes, uuidFrom, virtualSize } from "./disk.js";
import { prepareGrub } from "./grub.js";
import { type BuildInputs, filesDigest, findInputs, textDigest } from "./inputs.js";
import { type ImageContents, imageContents, imageManifest, installedPackages } from "./manifest.js";
import { productionModules } from "./payload.js";
import { publish } from "./publish.js";
import { toQcow2 } from "./qcow2.js";
import { baseKey, baseRootfs } from "./rootfs.js";
import {
  addPayload,
  clampTimes,
  cleanForCloning,
  findKernel,
  setUnits,
  unpackBase,
  writeFiles,
} from "./stage.js";
import { verifyUnits } from "./verify.js";

export interface ApplianceBuildOptions {
  readonly exec: Exec;
  readonly cache: string;
  readonly out: string;
  readonly mirror: string;
  /** The pinned add-on manifests (../shared/upstream beside the repository). */
  readonly addonsDir: string;
  readonly version: string;
  readonly repo?: string;
  readonly step?: (title: string) => void;
}

export interface ApplianceBuildResult {
  /** `cached`: nothing was built (the inputs were built before). */
  readonly status: "built" | "cached";
  readonly files: { readonly qcow2: string; readonly sha256: string; readonly manifest: string };
  readonly manifest: ReturnType<typeof imageManifest>;
  /** What each stage did, in order. */
  readonly stages: readonly {
    readonly name: string;
    readonly status: "built" | "cached";
    readonly seconds: number;
  }[];
}

export const imageFileName = (version: string) => `onekube-${version}-amd64.qcow2`;

/** Calico's images in the cache make Canal complete; without them the image runs Canal's flannel alone. */
const podNetworkOf = (inputs: BuildInputs) =>
  inputs.images.some((i) => i.reference.includes("calico/node:")) ? "canal" : "flannel";

async function imageKey(o: ApplianceBuildOptions, inputs: BuildInputs, modulesKey: string): Promise<string> {
  const files = (list: readonly { source: string; target: string }[]) =>
    filesDigest(list.map((p) => ({ label: p.target, path: p.source })));
  const app = await filesDigest(inputs.app.map((f) => ({ label: f, path: join(inputs.repo, f) })));
  return textDigest(
    "image/1",
    o.version,
    baseKey(o.mirror),
    modulesKey,
    app,
    await files(inputs.binaries),
    await files(inputs.images),
    ...inputs.addons.map((a) => a.sha256),
    podNetworkOf(inputs),
    String(APPLIANCE_EPOCH),
  );
}

export async function buildAppliance(o: ApplianceBuildOptions): Promise<ApplianceBuildResult> {
  const step = o.step ?? (() => {});
  const stages: { name: string; status: "built" | "cached"; seconds: number }[] = [];
  const timed = async <T>(name: string, f: () => Promise<{ value: T; built: boolean }>): Promise<T> => {
    const start = Date.now();
    const r = await f();
    stages.push({ name, status: r.built ? "built" : "cached", seconds: (Date.now() - start) / 1000 });
    return r.value;
  };
  const home = join(o.cache, "appliance");
  const inputs = findInputs(o.cache, o.addonsDir, ADDON_MANIFESTS, o.repo);
  step(`Debian ${"trixie"} base from ${o.mirror}`);
  const base = await timed("debian-base", async () => {
    const r = await baseRootfs({ exec: o.exec, dir: join(home, "base"), mirror: o.mirror });
    return { value: r, built: r.built };
  });
  step("onekube's production dependencies");
  const modules = await timed("node-modules", async () => {
    const r = await productionModules(o.exec, inputs.repo, join(home, "node-modules"));
    return { value: r, built: r.built };
  });
  step("fingerprint the inputs");
  const key = await imageKey(o, inputs, modules.key);
  const done = join(home, "images", key.slice(0, 16));
  const file = imageFileName(o.version);
  const manifestPath = join(done, file.replace(/\.qcow2$/, ".json"));
  if (!existsSync(manifestPath)) {
    await timed("image", async () => {
      await makeImage(o, inputs, { key, base: base.tar, modules: modules.modules, done, file, step });
      return { value: undefined, built: true };
    });
  } else stages.push({ name: "image", status: "cached", seconds: 0 });
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as ReturnType<typeof imageManifest>;
  step(`publish into ${o.out}`);
  const files = publish(done, o.out, [file, `${file}.sha256`, file.replace(/\.qcow2$/, ".json")]);
  const built = stages.some((s) => s.status === "built");
  return {
    status: built ? "built" : "cached",
    files: { qcow2: files[0] as string, sha256: files[1] as string, manifest: files[2] as string },
    manifest,
    stages,
  };
}

interface ImageJob {
  readonly key: string;
  readonly base: string;
  readonly modules: string;
  readonly done: string;
  readonly file: string;
  readonly step: (title: string) => void;
}

async function makeImage(o: ApplianceBuildOptions, inputs: BuildInputs, j: ImageJob): Promise<void> {
  const work = join(o.cache, "appliance", "work", j.key.slice(0, 16));
  const stage = join(work, "root");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  j.step("unpack the Debian base");
  await unpackBase(o.exec, j.base, stage);
  const kernel = findKernel(stage);
  const rootUuid = uuidFrom(j.key);
  const podNetwork = podNetworkOf(inputs);
  j.step("add onekube, the node binaries, the images and the add-on manifests");
  addPayload(stage, inputs, j.modules);
  writeFiles(stage, [
    ...renderUnits(),
    ...renderImageFiles({
      version: o.version,
      rootUuid,
      podNetwork,
      kernel: kernel.kernel,
      initrd: kernel.initrd,
    }),
  ]);
  cleanForCloning(stage);
  j.step("enable the units; check them with systemd-analyze verify");
  await setUnits(o.exec, stage);
  await verifyUnits(o.exec, stage);
  const contents: ImageContents = imageContents(
    {
      version: o.version,
      kernel: kernel.version,
      podNetwork,
      key: j.key,
      packages: await installedPackages(o.exec, stage),
    },
    inputs,
    o.mirror,
  );
  writeFiles(stage, [
    { path: IMAGE_PATHS.manifest.slice(1), content: `${JSON.stringify(contents, null, 2)}\n` },
  ]);
  j.step("install GRUB");
  const grub = await prepareGrub(o.exec, stage, rootUuid);
  await clampTimes(o.exec, stage, APPLIANCE_EPOCH);
  j.step("make the disk");
  const raw = join(work, "disk.raw");
  await makeDisk(o.exec, {
    raw,
    stage,
    sizeBytes: virtualSize(await usedBytes(o.exec, stage)),
    rootUuid,
    grub,
  });
  rmSync(stage, { recursive: true, force: true });
  j.step("compress into qcow2 and check it");
  const qcow2 = join(work, j.file);
  const facts = await toQcow2(o.exec, raw, qcow2);
  rmSync(raw, { force: true });
  writeFileSync(`${qcow2}.sha256`, `${facts.sha256}  ${j.file}\n`);
  const manifest = imageManifest(j.file, facts, contents, new Date());
  writeFileSync(join(work, j.file.replace(/\.qcow2$/, ".json")), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(j.done, { recursive: true, force: true });
  mkdirSync(join(j.done, ".."), { recursive: true });
  renameSync(work, j.done);
}
