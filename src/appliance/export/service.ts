/**
 * The OneFlow service template of the import set (`serviceTemplate()`, what `onekube template`
 * prints, named for the version and pointing at the VM templates' ids when they are known), and
 * a merge template for `oneflow-template instantiate ID FILE`: OneFlow wants a value for every
 * declared input, the roles' ones (vnf, storage) under `roles` (oneflow-server.rb), so the file
 * lists them all with their defaults and leaves the one mandatory input without a default,
 * ONEAPP_VNF_LB0_IP, empty for the operator to fill in with the network's id.
 */
import type { Role } from "../../params/types.js";
import { serviceTemplate, userInputValues } from "../../service/template.js";

export function exportServiceTemplate(name: string, templateIds: Partial<Record<Role, number>> = {}) {
  return serviceTemplate({ name, templateIds });
}

export function instantiateTemplate() {
  return {
    user_inputs_values: userInputValues({}, "service"),
    networks_values: [{ service: { id: "0" } }],
    roles: (["vnf", "storage"] as const).map((role) => ({
      name: role,
      user_inputs_values: userInputValues({}, role),
    })),
  };
}

export const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
