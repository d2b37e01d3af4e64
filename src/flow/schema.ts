/**
 * The 7.x service template schema (reference §3.2–3.4), as zod schemas that behave like
 * OneFlow's own validator: unknown keys are kept, a key set to null or false counts as absent,
 * integers given as strings are converted, defaults are written in (`deployment`, `description`,
 * `cardinality` 0). Field order follows upstream's schema because upstream reports only the first
 * problem; `upstreamMessage` turns that problem into upstream's text.
 */
import { z } from "zod";
import { invalid } from "./errors.js";
import type { TemplateBody } from "./model.js";
import { rubyInteger } from "./ruby.js";
import { upstreamMessage } from "./schema-messages.js";

/** Upstream tests `if body_value`: nil and false are "not given". */
function dropAbsent(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== false));
}

const integer = z.preprocess(rubyInteger, z.int());
const count = z.preprocess(rubyInteger, z.int().min(0));
const shutdownAction = z.enum(["terminate", "terminate-hard", "shutdown", "shutdown-hard"]);
/** Values given at instantiation may be numbers or booleans in JSON; the VM sees strings. */
const inputValues = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v)),
);
/** `M|type|description` or `M|type|description|params|default` (§3.4). */
const userInputs = z.record(
  z.string(),
  z.string().refine((s) => [3, 5].includes(s.split("|").length) && /^\s*[MO]\s*\|/.test(s), {
    message: "must be 'M|type|description' or 'M|type|description|params|default'",
  }),
);
const policies = z.array(z.looseObject({})).optional();

export const roleSchema = z.preprocess(
  dropAbsent,
  z.looseObject({
    name: z.string().regex(/^\w+$/),
    type: z.enum(["vm", "vr"]),
    template_id: integer,
    cardinality: count.default(0),
    template_contents: z.record(z.string(), z.json()).optional(),
    user_inputs: userInputs.optional(),
    user_inputs_values: inputValues.optional(),
    parents: z.array(z.string()).optional(),
    shutdown_action: shutdownAction.optional(),
    min_vms: count.optional(),
    max_vms: count.optional(),
    cooldown: count.optional(),
    on_hold: z.boolean().optional(),
    elasticity_policies: policies,
    scheduled_policies: policies,
  }),
);

export const templateSchema = z.preprocess(
  dropAbsent,
  z.looseObject({
    name: z.string(),
    deployment: z.enum(["none", "straight"]).default("none"),
    description: z.string().default(""),
    shutdown_action: shutdownAction.optional(),
    roles: z.array(roleSchema),
    user_inputs: userInputs.optional(),
    user_inputs_values: inputValues.optional(),
    ready_status_gate: z.boolean().optional(),
    automatic_deletion: z.boolean().optional(),
    networks: z.record(z.string(), z.string()).optional(),
    networks_values: z.array(z.record(z.string(), z.json())).optional(),
    on_hold: z.boolean().optional(),
  }),
);

/** Validates a template as OneFlow does; a refusal is a 400 FlowError with upstream's text. */
export function validateTemplate(input: unknown): TemplateBody {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw invalid("KEY: '' must be an Object;");
  const parsed = templateSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw invalid(first ? upstreamMessage(first, input) : "Invalid service template");
  }
  // The schema above is this type, plus the extra keys upstream keeps.
  const body = parsed.data as TemplateBody;
  checkValues(body);
  return body;
}

/** Upstream's `validate_values`: rules across fields that a schema cannot say. */
function checkValues(body: TemplateBody): void {
  const seen = new Set<string>();
  for (const role of body.roles) {
    if (seen.has(role.name)) throw invalid(`Role name '${role.name}' is repeated`);
    seen.add(role.name);
    if ((role.type as string) === "vr")
      throw invalid(`Role '${role.name}': virtual router roles are not supported by the embedded OneFlow`);
    if (role.min_vms !== undefined && role.min_vms > role.cardinality)
      throw invalid(`Role '${role.name}' 'cardinality' must be greater than or equal to 'min_vms'`);
    if (role.max_vms !== undefined && role.max_vms < role.cardinality)
      throw invalid(`Role '${role.name}' 'cardinality' must be lower than or equal to 'max_vms'`);
  }
}
