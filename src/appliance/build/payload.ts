/**
 * onekube as the image runs it: the built JavaScript and its production dependencies only
 * (`npm ci --omit=dev`), installed once per package-lock.json from npm's cache when it can be.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Exec } from "../../host/exec.js";
import { fileDigest } from "./inputs.js";

/** `<dir>/<lock digest>/node_modules`: the production dependencies of that lock file. */
export async function productionModules(
  exec: Exec,
  repo: string,
  dir: string,
): Promise<{ modules: string; built: boolean; key: string }> {
  const key = await fileDigest(join(repo, "package-lock.json"));
  const home = join(dir, key.slice(0, 16));
  const modules = join(home, "node_modules");
  if (existsSync(modules)) return { modules, built: false, key };
  const work = `${home}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) cpSync(join(repo, f), join(work, f));
  const args = ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"];
  // npm's cache holds them after the repository's own `npm ci`; the registry is the fallback.
  const offline = await exec.run("npm", [...args, "--offline"], { allowFailure: true, cwd: work });
  if (offline.exitCode !== 0)
    await exec.run("npm", args, { operation: "install onekube's production dependencies", cwd: work });
  mkdirSync(home, { recursive: true });
  renameSync(join(work, "node_modules"), modules);
  rmSync(work, { recursive: true, force: true });
  return { modules, built: true, key };
}
