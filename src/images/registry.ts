import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HostError } from "../errors.js";
import { type RegistryConfigOptions, renderRegistryConfig } from "../render/registry.js";
import { VERSIONS } from "../versions.js";

/**
 * Runs distribution's registry (built by tools/build/components.sh registry) for the local
 * cloud or a test: config from the pure renderer, one directory holding config, data and log.
 */

/** Where tools/build/components.sh puts the registry binary in a build cache. */
export function registryBinary(cache: string): string {
  return join(cache, "registry", VERSIONS.distribution, "bin", "registry");
}

export interface RegistryOptions {
  readonly binary: string;
  /** Holds config.yml, data/ (the storage root) and registry.log. */
  readonly dir: string;
  /** `host:port` to listen on, e.g. `10.0.0.1:5000` (the service bridge's gateway). */
  readonly listen: string;
  readonly logLevel?: RegistryConfigOptions["logLevel"];
  /** How long to wait for `/v2/` to answer; 15 s by default. */
  readonly timeoutMs?: number;
}

export interface RunningRegistry {
  /** `http://host:port`, the base of the distribution API. */
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  /** Ends the registry (TERM, then KILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

function logTail(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-10).join("\n");
  } catch {
    return "";
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts the registry and resolves once `GET /v2/` answers 200. A registry that exits first or
 * stays silent past the timeout is stopped and reported with its log's tail.
 */
export async function startRegistry(o: RegistryOptions): Promise<RunningRegistry> {
  const url = `http://${o.listen}`;
  // Something answering already would pass for this registry while it fails to bind.
  if (await answers(url))
    throw new HostError(
      "start the registry",
      `${o.binary} serve`,
      undefined,
      `${url}/v2/ answers already: the address is taken`,
    );
  const data = join(o.dir, "data");
  mkdirSync(data, { recursive: true });
  const file = renderRegistryConfig({
    rootDirectory: data,
    listen: o.listen,
    ...(o.logLevel === undefined ? {} : { logLevel: o.logLevel }),
  });
  const config = join(o.dir, "config.yml");
  writeFileSync(config, file.content, { mode: file.mode });
  const logFile = join(o.dir, "registry.log");
  const out = openSync(logFile, "a", 0o600);
  const command = `${o.binary} serve ${config}`;
  const child = spawn(o.binary, ["serve", config], { stdio: ["ignore", out, out] });
  closeSync(out);
  let spawnError: Error | undefined;
  child.once("error", (e) => {
    spawnError = e;
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = exited(child);
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await done;
    clearTimeout(killer);
  };
  const deadline = Date.now() + (o.timeoutMs ?? 15_000);
  for (;;) {
    if (spawnError) throw new HostError("start the registry", command, undefined, spawnError.message);
    if (child.exitCode !== null || child.signalCode !== null)
      throw new HostError("start the registry", command, child.exitCode ?? undefined, logTail(logFile));
    if (await answers(url)) break;
    if (Date.now() > deadline) {
      await stop();
      const why = `${url}/v2/ did not answer within ${(o.timeoutMs ?? 15_000) / 1000} s`;
      throw new HostError("start the registry", command, undefined, `${why}\n${logTail(logFile)}`);
    }
    await sleep(100);
  }
  return { url, pid: child.pid ?? -1, logFile, stop };
}
