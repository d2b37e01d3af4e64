/**
 * Every refusal OneGate makes, with upstream's exact plain-text bodies, thrown as hono's one
 * HTTP error type and turned into a response by the app's single error handler.
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export function refuse(status: ContentfulStatusCode, message: string): never {
  throw new HTTPException(status, { message });
}

export const NOT_AUTHORIZED = "Not authorized";
export const UNSUPPORTED = "OneGate server doesn't support this feature";
export const INVALID_SERVICE_ID = "Empty or invalid SERVICE_ID";
export const ATTRIBUTE_NOT_FOUND = "attribute not found";
export const NOT_IN_SERVICE_OR_VROUTER =
  "This VM does not belong to any Virtual Router or Service, so it cannot retrieve information from other VMs";

export const permissionOff = (resource: string, action: string) =>
  `Action (${action}) on resource (${resource}) not supported`;
export const restrictedAttribute = (name: string, erase: boolean) =>
  `Attribute (${name}) cannot be ${erase ? "deleted" : "modified"}`;
export const serviceNotFound = (sid: number) => `Service ${sid} not found`;
export const serviceEmpty = (sid: number) => `Service ${sid} is empty.`;
export const notInService = (sid: number, vmId: number) => `Service ${sid} does not contain VM ${vmId}.`;
export const scaleRefused = (sid: number, role: string) =>
  `Error performing action on service ${sid} role ${role}`;
/** What the core answers for a VM it does not know, passed on by OneGate with 404. */
export const vmNotFound = (id: number) => `[one.vm.info] Error getting virtual machine [${id}].`;
