/**
 * GET /service and PUT /service/role/:role: the caller's service as OneFlow holds it, and
 * scaling one of its roles from inside a VM.
 */
import type { Context } from "hono";
import type { OneGateBackend, VmRecord } from "./backend.js";
import { refuse, scaleRefused } from "./http-errors.js";
import { knownVm, loadService, requireMember, serviceIdOf } from "./membership.js";
import { type OneGateEnv, readParams } from "./params.js";
import { fullVmInfo, nodeVmInfo, serviceView } from "./views.js";

export async function showService(c: Context<OneGateEnv>, backend: OneGateBackend): Promise<Response> {
  const caller = c.get("caller");
  const service = await loadService(backend, serviceIdOf(caller));
  // Any value counts, as upstream only asks whether the parameter is there.
  const extended = (await readParams(c)).get("extended") !== undefined;
  const ids = service.roles.flatMap((role) => role.nodes.map((node) => node.deployId));
  const vms = new Map<number, VmRecord | undefined>();
  for (const id of ids) vms.set(id, extended ? await knownVm(backend, id) : await backend.vm(id));
  requireMember(service, caller.id);
  const view = serviceView(service, (id) => {
    const vm = vms.get(id);
    return extended && vm !== undefined ? fullVmInfo(vm) : nodeVmInfo(id, vm);
  });
  return c.json(view, 200);
}

export async function scaleRole(
  c: Context<OneGateEnv>,
  backend: OneGateBackend,
  log: (line: string) => void,
): Promise<Response> {
  const caller = c.get("caller");
  const sid = serviceIdOf(caller);
  requireMember(await loadService(backend, sid), caller.id);
  const role = c.req.param("role") ?? "";
  // The CLI sends {"cardinality":"3"} with a form content type: parse the body whatever it says.
  const cardinality = cardinalityOf(await c.req.text());
  try {
    if (cardinality === undefined) throw new Error("no cardinality given");
    await backend.scaleRole(sid, role, cardinality);
  } catch (error) {
    // Like upstream, OneFlow's reason goes to the log and the VM gets a fixed sentence.
    log(
      `scale of service ${sid} role ${role} refused: ${error instanceof Error ? error.message : String(error)}`,
    );
    refuse(400, scaleRefused(sid, role));
  }
  return c.body(null, 200);
}

function cardinalityOf(body: string): string | number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    refuse(500, `Error parsing JSON body: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const value: unknown = (parsed as Record<string, unknown>).cardinality;
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}
