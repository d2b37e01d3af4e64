import type { FlowEngine } from "../flow/engine.js";
import { FlowError } from "../flow/errors.js";
import { type OneGateBackend, ScaleRefused, type ServiceRecord, type VmRecord } from "../onegate/backend.js";

/**
 * OneGate in front of the embedded OneFlow: the engine's VMs and services seen through the port
 * the OneGate server asks for. The engine already names its VM fields as OneGate does.
 */
export class EngineGateBackend implements OneGateBackend {
  constructor(
    private readonly engine: FlowEngine,
    private readonly tokenPasswords: ReadonlyMap<number, string>,
  ) {}

  vm(id: number): VmRecord | undefined {
    return this.engine.vm(id);
  }

  updateUserTemplate(id: number, set: Readonly<Record<string, string>>): void {
    this.engine.updateUserTemplate(id, set);
  }

  eraseUserTemplate(id: number, name: string): boolean {
    return this.engine.eraseUserTemplate(id, name);
  }

  service(id: number): ServiceRecord | undefined {
    const doc = this.engine.service(id);
    if (!doc) return undefined;
    const body = doc.DOCUMENT.TEMPLATE.BODY;
    return {
      id: Number(doc.DOCUMENT.ID),
      name: body.name,
      state: body.state,
      roles: body.roles.map((r) => ({
        name: r.name,
        cardinality: r.cardinality,
        state: r.state,
        nodes: r.nodes.map((n) => ({ deployId: n.deploy_id })),
      })),
    };
  }

  async scaleRole(serviceId: number, role: string, cardinality: string | number): Promise<void> {
    try {
      this.engine.scale(serviceId, role, cardinality, false);
    } catch (error) {
      if (error instanceof FlowError) throw new ScaleRefused(error.message);
      throw error;
    }
  }

  tokenPassword(uid: number): string | undefined {
    return this.tokenPasswords.get(uid);
  }
}
