/**
 * Building one VM, step by step, each step recorded in the ledger before it changes the host:
 * state directory, network (namespace, veth, address), context CD, extra disk, its tools and
 * sshd configuration, then the VM's init, which mounts the VM's private paths, installs the SSH
 * key, starts sshd and the agent.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Exec } from "../host/exec.js";
import { PLATFORM_ENV } from "../node/platform.js";
import { type AgentExit, startVmProcess } from "./agent-process.js";
import type { VmHandle, VmSpec } from "./driver.js";
import type { Ledger } from "./ledger.js";
import { namespaceName, VM_MARKER, vmMarker } from "./names.js";
import type { ServiceNetwork } from "./network.js";
import { processStart } from "./processes.js";
import {
  CONTEXT_MOUNT,
  type ContextOptions,
  storageDevice,
  vmContextVars,
  vmHostname,
  writeContextDir,
} from "./vm-context.js";
import { attachDisk } from "./vm-disk.js";
import { writeVmRecord } from "./vm-exec.js";
import { linkImageTools, type VmImage, vmCgroupRoot } from "./vm-image.js";
import { SSHD_CONFIG, vmInitArgv, vmInitEnv } from "./vm-init.js";
import { createVmNetwork } from "./vm-net.js";

export interface VmPlace {
  readonly exec: Exec;
  readonly ledger: Ledger;
  readonly network: ServiceNetwork;
  readonly service: string;
  readonly dir: string;
  readonly ip: string;
  readonly context: ContextOptions;
  readonly agent: readonly string[];
  readonly image: VmImage;
}

export interface BuiltVm {
  readonly handle: VmHandle;
  /** The VM's init (holder of its namespaces) and its start time, which tells it from a later process with the same pid. */
  readonly pid: number;
  readonly start: string;
  readonly diskFile?: string;
  readonly agentExited: Promise<AgentExit>;
}

export async function buildVm(spec: VmSpec, place: VmPlace): Promise<BuiltVm> {
  const { exec, ledger, network, service, dir, ip } = place;
  const id = spec.id;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const nic = await createVmNetwork(exec, ledger, network, service, id, ip);
  const vars = vmContextVars(spec, nic, network, place.context);
  await writeContextDir(join(dir, "context"), vars, spec.token);
  const hostname = vmHostname(vars, ip);
  const diskFile = join(dir, "disk.img");
  const diskPath = spec.disk ? storageDevice(vars) : undefined; // checked before the disk exists
  const loopDevice = spec.disk ? await attachDisk(exec, ledger, id, diskFile, spec.disk.sizeMb) : undefined;
  const disk = loopDevice && diskPath ? { loopDevice, path: diskPath } : undefined;
  linkImageTools(place.image, join(dir, "usr-local-bin"));
  await writeFile(join(dir, "sshd_config"), SSHD_CONFIG, { mode: 0o600 });
  const env = vmInitEnv(
    { vmDir: dir, hostname, contextMount: CONTEXT_MOUNT, ...(disk ? { disk } : {}) },
    {
      ...place.image.env,
      [PLATFORM_ENV.cgroupRoot]: vmCgroupRoot(namespaceName(service, id)),
      [VM_MARKER]: vmMarker(service, id),
    },
    place.image.path,
  );
  ledger.append({ kind: "init", vm: id });
  const init = await startVmProcess({
    argv: vmInitArgv(namespaceName(service, id), place.agent),
    env,
    logFile: join(dir, "agent.log"),
    operation: `start VM ${id}`,
  });
  const start = processStart(init.pid) ?? "";
  ledger.append({ kind: "init", vm: id, pid: init.pid, start });
  const extra = loopDevice ? { loopDevice } : {};
  writeVmRecord(dir, {
    id,
    namespace: namespaceName(service, id),
    ip,
    hostname,
    pid: init.pid,
    start,
    ...extra,
  });
  return {
    handle: { nic, hostname, ...extra },
    pid: init.pid,
    start,
    agentExited: init.agentExited,
    ...(loopDevice ? { diskFile } : {}),
  };
}
