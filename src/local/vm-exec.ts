/**
 * Running a command inside a VM (for `onekube exec`) from any process, not only the one that
 * created the VM: `<vm>/vm.json` records the pid and start time of the VM's init, and entering
 * that pid's mount, UTS and network namespaces is entering the VM.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { HostError } from "../errors.js";
import { type Exec, type ExecResult, hostExec } from "../host/exec.js";
import { VM_MARKER, vmDir, vmMarker } from "./names.js";
import { processStart } from "./processes.js";

const record = z.object({
  id: z.number(),
  namespace: z.string(),
  ip: z.string(),
  hostname: z.string(),
  pid: z.number(),
  start: z.string(),
  loopDevice: z.string().optional(),
});

export type VmRecord = z.infer<typeof record>;

export function writeVmRecord(dir: string, r: VmRecord): void {
  writeFileSync(join(dir, "vm.json"), `${JSON.stringify(r, null, 2)}\n`, { mode: 0o600 });
}

export function readVmRecord(root: string, service: string, id: number): VmRecord {
  const file = join(vmDir(root, service, id), "vm.json");
  try {
    return record.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (cause) {
    throw new HostError(`enter VM ${id}`, `read ${file}`, undefined, "no such VM in the local cloud", {
      cause,
    });
  }
}

/** The argv that runs `argv` inside the VM; the CLI may spawn it with inherited stdio. */
export function vmCommand(root: string, service: string, id: number, argv: readonly string[]): string[] {
  const r = readVmRecord(root, service, id);
  if (processStart(r.pid) !== r.start) {
    throw new HostError(
      `enter VM ${id}`,
      `nsenter -t ${r.pid}`,
      undefined,
      `the VM's init (pid ${r.pid}) is not running: the VM is gone`,
    );
  }
  return ["nsenter", "-t", String(r.pid), "-m", "-u", "-n", "--wd=/", "--", ...argv];
}

/** Environment of a command run in a VM: plain, and marked as the VM's so cleanup finds it. */
export function vmExecEnv(service: string, id: number): Record<string, string> {
  return {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: "/root",
    LANG: "C.UTF-8",
    [VM_MARKER]: vmMarker(service, id),
  };
}

/** Runs argv in the VM and returns its exit code and output (a non-zero exit is a result, not an error). */
export async function execInVm(
  root: string,
  service: string,
  id: number,
  argv: readonly string[],
  options: { readonly input?: string; readonly exec?: Exec } = {},
): Promise<ExecResult> {
  const [file = "", ...args] = vmCommand(root, service, id, argv);
  return (options.exec ?? hostExec).run(file, args, {
    operation: `run in VM ${id}`,
    allowFailure: true,
    env: vmExecEnv(service, id),
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}
