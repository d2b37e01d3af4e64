/**
 * The JSON documents OneGate answers with, as zod schemas of the wire format: the server's
 * views are typed by them and the client parses with them, so both sides agree on what
 * OpenNebula sends. The traps are the types: VM ID/STATE/LCM_STATE and every template and NIC
 * value are strings, NIC lists are always arrays, while the service's `id` is a string but its
 * states, cardinalities and deploy ids are integers.
 */
import { z } from "zod";
import type { TemplateValue } from "./backend.js";

/** Numbers written as OpenNebula writes them in JSON converted from XML. */
const decimal = z.string().regex(/^-?\d+$/, "a decimal number in a string");

export const TemplateValueSchema: z.ZodType<TemplateValue> = z.lazy(() =>
  z.union([z.string(), z.array(TemplateValueSchema), z.record(z.string(), TemplateValueSchema)]),
);

/** Only these NIC keys leave OneGate (not NETWORK_ID, NIC_ID, SECURITY_GROUPS, ...). */
export const NIC_KEYS = [
  "IP",
  "IP6_LINK",
  "IP6_SITE",
  "IP6_GLOBAL",
  "NETWORK",
  "MAC",
  "NAME",
  "PARENT",
  "EXTERNAL",
  "EXTERNAL_IP",
] as const;

export const NicSchema = z.partialRecord(z.enum(NIC_KEYS), z.string());
export type NicDocument = z.infer<typeof NicSchema>;

/** GET /vm and GET /vms/:id. */
export const VmDocumentSchema = z.object({
  VM: z.object({
    NAME: z.string(),
    ID: decimal,
    STATE: decimal,
    LCM_STATE: decimal,
    USER_TEMPLATE: z.record(z.string(), TemplateValueSchema),
    TEMPLATE: z.object({ NIC: z.array(NicSchema), NIC_ALIAS: z.array(NicSchema) }),
  }),
});
export type VmDocument = z.infer<typeof VmDocumentSchema>;

/**
 * A node's `vm_info.VM`: ID, UID, GID, UNAME, GNAME and NAME, or the whole VM document when
 * `extended`. Only ID is sure to be there: a node whose VM the core has forgotten has no more.
 */
export const NodeVmSchema = z.looseObject({
  ID: decimal,
  UID: decimal.optional(),
  GID: decimal.optional(),
  UNAME: z.string().optional(),
  GNAME: z.string().optional(),
  NAME: z.string().optional(),
});
export type NodeVm = z.infer<typeof NodeVmSchema>;

/** GET /service. */
export const ServiceDocumentSchema = z.object({
  SERVICE: z.object({
    name: z.string(),
    id: decimal,
    state: z.int(),
    roles: z.array(
      z.object({
        name: z.string(),
        cardinality: z.int(),
        state: z.int(),
        nodes: z.array(
          z.object({
            deploy_id: z.int(),
            running: z.boolean().nullable(),
            vm_info: z.object({ VM: NodeVmSchema }),
          }),
        ),
      }),
    ),
  }),
});
export type ServiceDocument = z.infer<typeof ServiceDocumentSchema>;

/** GET /. */
export const DiscoveryDocumentSchema = z.object({ vm_info: z.string(), service_info: z.string() });
export type DiscoveryDocument = z.infer<typeof DiscoveryDocumentSchema>;

export const JSON_CONTENT_TYPE = "application/json;charset=utf-8";
