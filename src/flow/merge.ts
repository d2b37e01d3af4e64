/**
 * Instantiation's data work (reference §3.4, §3.5, §3.9, §3.11): the merge template is folded
 * into the service template (roles matched by name), user inputs are checked to have values,
 * and every value is written into each role's `template_contents` twice (7.x): as a top-level
 * attribute (so the VM's USER_TEMPLATE shows it) and as `CONTEXT[NAME] = "$NAME"` (so it lands
 * in context.sh).
 */
import { invalid } from "./errors.js";
import type { Json, JsonObject, TemplateBody } from "./model.js";

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Ruby's `Hash#deep_merge` from OneFlow's validator: objects merge key by key; arrays merge
 * element by element where both sides hold objects, otherwise the new array wins.
 */
export function deepMerge(base: Plain, extra: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const old = base[key];
    if (isPlain(value) && isPlain(old)) out[key] = deepMerge(old, value);
    else if (Array.isArray(value) && Array.isArray(old)) out[key] = mergeArrays(old, value);
    else out[key] = value;
  }
  return out;
}

function mergeArrays(base: readonly unknown[], extra: readonly unknown[]): unknown[] {
  const pairwise = extra.length <= base.length && extra.every((e, i) => isPlain(e) && isPlain(base[i]));
  if (pairwise) return base.map((b, i) => (i < extra.length ? deepMerge(b as Plain, extra[i] as Plain) : b));
  return extra.map((e, i) => (isPlain(e) && isPlain(base[i]) ? deepMerge(base[i] as Plain, e) : e));
}

/** The template an instantiation asks for: roles of the merge matched by name, then the rest. */
export function mergeForInstantiate(template: TemplateBody, merge: unknown): Plain {
  if (merge === undefined || merge === null) return structuredClone(template);
  if (!isPlain(merge)) throw invalid("KEY: 'merge_template' must be an Object;");
  const { roles: mergeRoles, ...rest } = renamed(merge);
  const byName = new Map<string, Plain>();
  if (Array.isArray(mergeRoles))
    for (const r of mergeRoles) if (isPlain(r) && typeof r.name === "string") byName.set(r.name, renamed(r));
  const roles = template.roles.map((role) => {
    const extra = byName.get(role.name);
    return extra ? deepMerge(role, extra) : structuredClone(role);
  });
  return deepMerge({ ...structuredClone(template), roles }, rest);
}

/** 6.x clients send `custom_attrs_values`; upstream still accepts it in a merge template. */
function renamed(object: Plain): Plain {
  const { custom_attrs_values, custom_attrs, ...rest } = object;
  return {
    ...(custom_attrs !== undefined ? { user_inputs: custom_attrs } : {}),
    ...(custom_attrs_values !== undefined ? { user_inputs_values: custom_attrs_values } : {}),
    ...rest,
  };
}

/** Every declared input needs a value, even optional ones: clients apply defaults, not the server. */
export function checkUserInputs(body: TemplateBody): void {
  const scopes = [
    { inputs: body.user_inputs, values: body.user_inputs_values },
    ...body.roles.map((r) => ({
      inputs: r.user_inputs,
      values: { ...body.user_inputs_values, ...r.user_inputs_values },
    })),
  ];
  for (const { inputs, values } of scopes) {
    const names = Object.keys(inputs ?? {});
    if (names.length === 0) continue;
    if (values === undefined || Object.keys(values).length === 0)
      throw invalid("The Service template specifies User Inputs but no values have been found");
    if (names.some((n) => values[n] === undefined))
      throw invalid("Verify that every User Input have its corresponding value defined");
  }
}

/** Adds each input value (service values, overridden by the role's) to the role's contents. */
export function applyUserInputs(body: TemplateBody): void {
  for (const role of body.roles) {
    const values = { ...body.user_inputs_values, ...role.user_inputs_values };
    if (Object.keys(values).length === 0) continue;
    const contents: JsonObject = { ...role.template_contents };
    const context = isPlain(contents.CONTEXT) ? { ...(contents.CONTEXT as { [k: string]: Json }) } : {};
    for (const [name, value] of Object.entries(values)) {
      contents[name] = value;
      context[name] = `$${name}`;
    }
    contents.CONTEXT = context;
    role.template_contents = contents;
  }
}

/** `networks_values` as given, or every network's default (`M|network|desc| |id:0`). */
export function networksValues(body: TemplateBody): JsonObject[] | undefined {
  if (body.networks_values !== undefined || body.networks === undefined) return body.networks_values;
  return Object.entries(body.networks).map(([name, input]) => {
    const fields = input.split("|");
    const [type, id] = (fields[4] ?? "").trim().split(":");
    if (fields.length !== 5 || !type || id === undefined || id === "") throw invalid("Wrong networks format");
    return { [name]: { [type]: id } };
  });
}
