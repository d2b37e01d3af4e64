/**
 * The node's container runtime: containerd (with runc) under the agent's supervisor, its
 * configuration written only when it changes, and the images a node without a registry needs
 * imported from OCI archives under their upstream names.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Exec } from "../host/exec.js";
import { writeIfChanged } from "../host/files.js";
import { whichOnPath } from "../host/path.js";
import { stopStale } from "../host/stale.js";
import type { Supervisor } from "../host/supervisor.js";
import { CONTAINERD_SOCKET, renderContainerdConfig } from "../render/containerd.js";
import { VERSIONS } from "../versions.js";
import { CNI_BIN_DIRS, CONTAINERD_CONFIG, NODE_LOGS, NODE_RUN } from "./paths.js";

export interface RuntimeOptions {
  readonly exec: Exec;
  readonly supervisor: Supervisor;
  readonly log: (line: string) => void;
  readonly restrictOomScoreAdj: boolean;
  readonly systemdCgroup: boolean;
}

const CTR = (args: string[]) => ["--address", CONTAINERD_SOCKET, "--namespace", "k8s.io", ...args];

/** Fails at once, before anything is changed, where the node's programs are not installed. */
export function requireNodePrograms(): void {
  // A program that is not there would only make the supervisor retry for ever: say so now.
  const missing = ["containerd", "ctr", "runc", "kubelet", "kubeadm"].filter((p) => !whichOnPath(p));
  if (missing.length > 0)
    throw new Error(
      `${missing.join(", ")} not installed (not on PATH: ${process.env.PATH ?? ""}): this VM image has no Kubernetes node runtime`,
    );
}

/** Writes containerd's configuration and (re)starts it; true when anything changed. */
export async function startContainerd(o: RuntimeOptions): Promise<boolean> {
  const runc = whichOnPath("runc");
  const file = renderContainerdConfig({
    sandboxImage: `registry.k8s.io/pause:${VERSIONS.pause}`,
    ...(runc ? { runcPath: runc } : {}),
    restrictOomScoreAdj: o.restrictOomScoreAdj,
    systemdCgroup: o.systemdCgroup,
    cniBinDirs: CNI_BIN_DIRS,
  });
  const changed = await writeIfChanged(CONTAINERD_CONFIG, file.content, file.mode);
  const pidFile = `${NODE_RUN}/containerd.pid`;
  if (changed || o.supervisor.pid("containerd") === undefined) {
    o.supervisor.stop("containerd");
    await stopStale(pidFile, "containerd");
    o.supervisor.start("containerd", ["containerd", "--config", CONTAINERD_CONFIG], {
      logFile: `${NODE_LOGS}/containerd.log`,
      pidFile,
    });
  }
  await waitForContainerd(o.exec);
  return changed;
}

async function waitForContainerd(exec: Exec): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (existsSync(CONTAINERD_SOCKET)) {
      const r = await exec.run("ctr", CTR(["version"]), { allowFailure: true, timeoutMs: 10_000 });
      if (r.exitCode === 0) return;
    }
    if (Date.now() > deadline)
      throw new Error(
        `containerd did not answer on ${CONTAINERD_SOCKET} within 60 s; see ${NODE_LOGS}/containerd.log`,
      );
    await sleep(250);
  }
}

/** Image references the runtime holds. */
export async function listImages(exec: Exec): Promise<Set<string>> {
  const r = await exec.run("ctr", CTR(["images", "list", "--quiet"]), { operation: "list images" });
  return new Set(r.stdout.split("\n").filter(Boolean));
}

/** The reference an OCI archive of tools/build/images.sh carries, from its annotation. */
async function archiveRef(exec: Exec, file: string): Promise<string | undefined> {
  const r = await exec.run("tar", ["-xOf", file, "index.json"], { allowFailure: true });
  if (r.exitCode !== 0) return undefined;
  const index = JSON.parse(r.stdout) as { manifests?: { annotations?: Record<string, string> }[] };
  return (
    index.manifests?.[0]?.annotations?.["io.containerd.image.name"] ??
    index.manifests?.[0]?.annotations?.["org.opencontainers.image.ref.name"]
  );
}

/** Imports every archive of `dir` whose image the runtime lacks; returns the references imported. */
export async function importArchives(exec: Exec, dir: string, log: (l: string) => void): Promise<string[]> {
  const have = await listImages(exec);
  const imported: string[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith(".tar"))
    .sort()) {
    const file = join(dir, name);
    const ref = await archiveRef(exec, file);
    if (ref && have.has(ref)) continue;
    const start = Date.now();
    await exec.run("ctr", CTR(["images", "import", file]), {
      operation: `import image ${ref ?? name}`,
      timeoutMs: 300_000,
    });
    log(`[runtime] imported ${ref ?? name} in ${Date.now() - start} ms`);
    imported.push(ref ?? name);
  }
  return imported;
}

/**
 * Pulls the images of `refs` the runtime lacks, through containerd's registry hosts (the mirror
 * hosts.toml names, as kubelet's pulls go), all at once; returns those it pulled. An image the
 * node already holds is not asked for again (a node without a registry has its images imported).
 */
export async function pullMissing(exec: Exec, refs: readonly string[], hostsDir: string): Promise<string[]> {
  const have = await listImages(exec);
  const missing = refs.filter((r) => !have.has(r));
  await Promise.all(
    missing.map((ref) =>
      exec.run("ctr", CTR(["images", "pull", "--hosts-dir", hostsDir, ref]), {
        operation: `pull image ${ref}`,
        timeoutMs: 120_000,
      }),
    ),
  );
  return missing;
}
