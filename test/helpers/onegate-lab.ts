/**
 * A OneFlow service as OneGate sees it, for VMs booted outside the local cloud (QEMU): the
 * embedded OneGate over a MemoryBackend holding the service's VMs, run as its own process in
 * the lab's network namespace (`node onegate-lab.js CONFIG.json`). It prints one JSON line when
 * it listens and one per update a VM publishes, which the test reads.
 */
import { readFileSync } from "node:fs";
import type { ServiceRecord, VmRecord } from "../../src/onegate/backend.js";
import { MemoryBackend } from "../../src/onegate/memory-backend.js";
import { serveOneGate } from "../../src/onegate/serve.js";
import { createOneGateApp } from "../../src/onegate/server.js";
import { makeToken } from "../../src/onegate/token.js";
import { vm } from "../unit/onegate/world.js";

export interface LabVm {
  readonly id: number;
  readonly role: string;
  readonly ip: string;
  readonly mac: string;
}

export interface LabService {
  readonly serviceId: number;
  readonly tokenPassword: string;
  /** Every VM's start time (the other half of its token). */
  readonly stime: number;
  readonly vms: readonly LabVm[];
  readonly listen: { readonly host: string; readonly port: number };
}

const RUNNING = 2;

export function labRecords(c: LabService): { vms: VmRecord[]; service: ServiceRecord } {
  // The world of OneGate's unit tests, with this lab's addresses and start time.
  const vms = c.vms.map((v) =>
    vm(
      v.id,
      { SERVICE_ID: String(c.serviceId), ROLE_NAME: v.role },
      {
        name: `${v.role}_${v.id}_(service_${c.serviceId})`,
        stime: c.stime,
        nics: [{ NIC_ID: "0", IP: v.ip, MAC: v.mac, NETWORK: "service" }],
      },
    ),
  );
  const roles = [...new Set(c.vms.map((v) => v.role))].map((name) => {
    const nodes = c.vms.filter((v) => v.role === name).map((v) => ({ deployId: v.id }));
    return { name, cardinality: nodes.length, state: RUNNING, nodes };
  });
  return { vms, service: { id: c.serviceId, name: "lab", state: RUNNING, roles } };
}

export const labToken = (c: LabService, vmId: number): string => makeToken(c.tokenPassword, vmId, c.stime);

/** One published update, as the server prints it. */
export interface LabUpdate {
  readonly vm: number;
  readonly set: Readonly<Record<string, string>>;
}

async function main(file: string): Promise<void> {
  const config = JSON.parse(readFileSync(file, "utf8")) as LabService;
  const backend = new (class extends MemoryBackend {
    override updateUserTemplate(id: number, set: Readonly<Record<string, string>>): void {
      super.updateUserTemplate(id, set);
      process.stdout.write(`${JSON.stringify({ vm: id, set } satisfies LabUpdate)}\n`);
    }
  })();
  const { vms, service } = labRecords(config);
  for (const vm of vms) backend.putVm(vm);
  backend.setTokenPassword(0, config.tokenPassword);
  backend.putService(service);
  const server = await serveOneGate(createOneGateApp(backend), config.listen);
  process.stdout.write(`${JSON.stringify({ listening: server.url })}\n`);
}

if (process.argv[1]?.endsWith("onegate-lab.js") && process.argv[2]) await main(process.argv[2]);
