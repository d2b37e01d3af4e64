/**
 * The port between the embedded OneFlow engine and whatever runs a VM. The local cloud
 * implements it with network namespaces (src/local/netns-driver.ts); tests of the engine's
 * decisions may use a double that follows the same contract.
 */

export interface VmDisk {
  /** Size of the sparse backing file in MiB. */
  readonly sizeMb: number;
}

export interface VmSpec {
  readonly id: number;
  /** OpenNebula-style name, e.g. `worker_3_(service_0)`. */
  readonly name: string;
  readonly role: string;
  readonly serviceId: number;
  /** CONTEXT variables; delivered as context.sh (OpenNebula's format) with token.txt beside it. */
  readonly context: Readonly<Record<string, string>>;
  /** The VM's OneGate token (content of token.txt). */
  readonly token: string;
  /** Extra unformatted disk (the storage role's), exposed in the VM as ONEAPP_STORAGE_DEVICE. */
  readonly disk?: VmDisk;
}

export interface VmNic {
  readonly ip: string;
  readonly mac: string;
  readonly network: string;
  readonly name: string;
}

export interface VmHandle {
  readonly nic: VmNic;
  readonly hostname: string;
  /** Host path of the loop device standing in for the extra disk, if any. */
  readonly loopDevice?: string;
}

/** Why a VM's agent stopped: its exit status and the last lines of its log. */
export interface VmExit {
  readonly id: number;
  readonly code: number | null;
  readonly signal: string | null;
  readonly logTail: string;
}

export interface VmDriver {
  /** Creates the VM and starts its agent; resolves once the agent process runs. */
  create(spec: VmSpec): Promise<VmHandle>;
  /** Stops the agent and removes everything the VM had; safe to call twice. */
  destroy(id: number): Promise<void>;
  /** Called when a VM's agent exits on its own. */
  onExit(listener: (exit: VmExit) => void): void;
}
