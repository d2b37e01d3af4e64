/**
 * From a registered template and a merge template to a new service body (reference §3.11,
 * §3.4, §3.5, §3.9): merge, validate again (a failure here is a 500 upstream, not a 400), check
 * that every user input has a value, settle the networks, write the input values into each
 * role's contents, and add what OneFlow adds to a service and its roles.
 */
import { FlowError } from "./errors.js";
import { applyUserInputs, checkUserInputs, mergeForInstantiate, networksValues } from "./merge.js";
import type { RoleBody, ServiceBody, TemplateBody } from "./model.js";
import { validateTemplate } from "./schema.js";
import { RoleState, ServiceState } from "./states.js";

export function instantiateBody(
  template: TemplateBody,
  mergeTemplate: unknown,
  defaultCooldown: number,
  now: number,
): ServiceBody {
  let body: TemplateBody;
  try {
    body = validateTemplate(mergeForInstantiate(template, mergeTemplate));
  } catch (error) {
    if (error instanceof FlowError && error.status === 400) throw new FlowError(500, error.message);
    throw error;
  }
  checkUserInputs(body);
  const networks = networksValues(body);
  applyUserInputs(body);
  const roles: RoleBody[] = body.roles.map((role) => ({
    ...role,
    state: RoleState.PENDING,
    cooldown: role.cooldown ?? defaultCooldown,
    on_hold: role.on_hold ?? false,
    last_vmname: 0,
    nodes: [],
  }));
  return {
    ...body,
    ...(networks !== undefined ? { networks_values: networks } : {}),
    state: ServiceState.PENDING,
    start_time: now,
    roles,
    log: [],
  };
}
