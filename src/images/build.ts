import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HostError } from "../errors.js";
import type { Exec } from "../host/exec.js";
import { ADDON_IMAGES_RECIPE } from "./addon-images.js";
import { type BuildTarget, buildPlan } from "./build-plan.js";

/**
 * `onekube images build`: runs each target's steps unless its archive exists, one image at a
 * time (the machine has 2 cores; go build uses both). Effects at this edge only: the plan is
 * pure (build-plan.ts), the commands go through the Exec port.
 */

/** The repository root (this file is dist/src/images/build.js or src/images/build.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const DEFAULT_CACHE = "/var/cache/onekube";

/** The plan for a cache, reading the add-on recipe's text from the repository for its key. */
export function loadBuildPlan(cache: string, repo = REPO_ROOT): BuildTarget[] {
  return buildPlan(cache, readFileSync(join(repo, ADDON_IMAGES_RECIPE), "utf8"));
}

export interface BuildResult {
  readonly name: string;
  readonly reference: string;
  readonly status: "built" | "cached";
  readonly seconds: number;
  readonly archive: string;
  readonly bytes: number;
}

export interface BuildEvents {
  readonly step?: (target: BuildTarget, title: string, elapsedSeconds: number) => void;
  readonly done?: (result: BuildResult, elapsedSeconds: number) => void;
}

export interface BuildOptions {
  readonly exec: Exec;
  readonly cache: string;
  readonly repo?: string;
  /** The environment the scripts run in (ONEKUBE_CACHE is set from `cache`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly events?: BuildEvents;
  readonly now?: () => number;
}

function definedEnv(env: Readonly<Record<string, string | undefined>>, cache: string) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return { ...out, ONEKUBE_CACHE: cache };
}

/** Builds the targets in order; the first failure stops the run with a HostError naming image and step. */
export async function buildImages(
  targets: readonly BuildTarget[],
  options: BuildOptions,
): Promise<BuildResult[]> {
  const now = options.now ?? Date.now;
  const repo = options.repo ?? REPO_ROOT;
  const env = definedEnv(options.env, options.cache);
  const start = now();
  const results: BuildResult[] = [];
  for (const target of targets) {
    const began = now();
    const cached = existsSync(target.archive);
    if (!cached) {
      for (const step of target.steps) {
        options.events?.step?.(target, step.title, (now() - start) / 1000);
        await options.exec.run(join(repo, step.script), step.args, {
          operation: `build ${target.reference}: ${step.title}`,
          env,
        });
      }
      if (!existsSync(target.archive))
        throw new HostError(
          `build ${target.reference}`,
          target.steps.at(-1)?.script ?? "",
          0,
          `no archive at ${target.archive}`,
        );
    }
    const result: BuildResult = {
      name: target.name,
      reference: target.reference,
      status: cached ? "cached" : "built",
      seconds: (now() - began) / 1000,
      archive: target.archive,
      bytes: statSync(target.archive).size,
    };
    results.push(result);
    options.events?.done?.(result, (now() - start) / 1000);
  }
  return results;
}

/** What a build needs that is missing (root, buildah, go), for targets not built yet. */
export function missingTools(pathEnv: string | undefined, uid: number): string[] {
  const onPath = (tool: string) =>
    (pathEnv ?? "").split(":").some((dir) => dir !== "" && existsSync(join(dir, tool)));
  return [
    ...(uid === 0 ? [] : ["root (buildah's vfs storage and ONEKUBE_CACHE)"]),
    ...["buildah", "go", "gcc", "iptables"].filter((t) => !onPath(t)).map((t) => `${t} on PATH`),
  ];
}

/** The archive of every image the plan builds that is present in `cache` (for a registry or a bundle). */
export function builtArchives(cache: string, repo = REPO_ROOT): { reference: string; archive: string }[] {
  return loadBuildPlan(cache, repo)
    .filter((t) => existsSync(t.archive))
    .map((t) => ({ reference: t.reference, archive: t.archive }));
}
