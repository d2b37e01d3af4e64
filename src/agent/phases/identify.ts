import { attribute } from "../../onegate/client-values.js";
import { ROLES, type Role } from "../../params/types.js";
import type { Phase } from "../runner.js";
import type { AgentContext } from "../state.js";

/** Who am I: OneFlow writes ROLE_NAME and SERVICE_ID into the VM's USER_TEMPLATE, read via OneGate. */
export const identify: Phase<AgentContext> = {
  name: "identify",
  title: "read this VM's role, service and address from OneGate",
  async run(ctx) {
    const self = await ctx.onegate.vm();
    const role = attribute(self, "ROLE_NAME");
    if (!role || !(ROLES as readonly string[]).includes(role)) {
      throw new Error(
        `ROLE_NAME=${JSON.stringify(role ?? "")} in USER_TEMPLATE: expected one of ${ROLES.join(", ")}`,
      );
    }
    const serviceId = Number(attribute(self, "SERVICE_ID"));
    if (!Number.isInteger(serviceId))
      throw new Error("SERVICE_ID missing from USER_TEMPLATE: is this VM part of a OneFlow service?");
    const address = ctx.vm.vars.ETH0_IP ?? self.nics[0]?.IP;
    if (!address) throw new Error("no IPv4 address: neither ETH0_IP in the context nor a NIC in OneGate");
    ctx.self = self;
    ctx.role = role as Role;
    ctx.serviceId = serviceId;
    ctx.address = address;
    ctx.log(`[identify] VM ${self.id} (${self.name}) is ${role} of service ${serviceId} at ${address}`);
    return "unchanged";
  },
};
