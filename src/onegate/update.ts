/**
 * PUT /vm and PUT /vms/:id: set (type 1) or erase (type 2) USER_TEMPLATE attributes of one VM.
 * The text comes from a `data` parameter (the current CLI's form) or, without one, is the raw
 * body (curl and 6.x clients). Restricted names are refused before anything is parsed.
 */
import type { Context } from "hono";
import type { OneGateBackend, VmRecord } from "./backend.js";
import { ATTRIBUTE_NOT_FOUND, refuse, restrictedAttribute } from "./http-errors.js";
import { type OneGateEnv, readParams, rubyToI } from "./params.js";
import { eraseName, parseSetText, restrictedName, TemplateTextError } from "./template-text.js";

export async function updateVm(
  c: Context<OneGateEnv>,
  backend: OneGateBackend,
  restricted: ReadonlySet<string>,
  target: VmRecord,
): Promise<Response> {
  const params = await readParams(c);
  const type = params.get("type");
  // Upstream: absent type means set; any number other than 1 (even "" → 0) means erase.
  const erase = type !== undefined && rubyToI(type) !== 1;
  const text = params.get("data") ?? params.raw;

  const forbidden = restrictedName(text, restricted);
  if (forbidden !== undefined) refuse(403, restrictedAttribute(forbidden, erase));

  if (erase) {
    if (!(await backend.eraseUserTemplate(target.id, eraseName(text)))) refuse(500, ATTRIBUTE_NOT_FOUND);
  } else {
    const attrs = parseOrRefuse(text);
    if (Object.keys(attrs).length > 0) await backend.updateUserTemplate(target.id, attrs);
  }
  return c.body(null, 200);
}

function parseOrRefuse(text: string): Record<string, string> {
  try {
    return parseSetText(text);
  } catch (error) {
    if (error instanceof TemplateTextError) refuse(500, error.message);
    throw error;
  }
}
