/**
 * A small embedded cloud for engine tests: the engine on a fake clock and a driver double, the
 * four onekube VM templates behind template ids 0–3, and helpers that play the agents' part —
 * a VM "reports" exactly as OneGate's PUT /vm would, through `updateUserTemplate`.
 */
import { FlowEngine, type FlowEngineOptions, type VmRecord } from "../../../src/flow/engine.js";
import type { TemplateBody } from "../../../src/flow/model.js";
import { ROLES } from "../../../src/params/types.js";
import { serviceTemplate, vmTemplates } from "../../../src/service/template.js";
import { DriverDouble } from "./driver-double.js";
import { FakeClock } from "./fake-clock.js";

export const ONEGATE = "http://169.254.16.9:5030";

export function world(options: Partial<FlowEngineOptions> = {}) {
  const clock = new FakeClock();
  const driver = new DriverDouble();
  const templates = vmTemplates();
  const engine = new FlowEngine({
    driver,
    clock,
    onegateEndpoint: ONEGATE,
    vmTemplate: (id) => {
      const role = ROLES[id];
      return role && templates[role];
    },
    userTemplate: () => ({ SSH_PUBLIC_KEY: "ssh-ed25519 AAAA test" }),
    log: () => {},
    ...options,
  });
  return { clock, driver, engine };
}
export type World = ReturnType<typeof world>;

/** A value for every input: its default (5th field), or a placeholder for mandatory ones. */
export function inputValues(inputs: Record<string, string> | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, input] of Object.entries(inputs ?? {})) {
    const fields = input.split("|");
    values[name] = fields[4]?.trim() || (name === "ONEAPP_VNF_LB0_IP" ? "172.20.0.100" : "");
  }
  return values;
}

/** What `oneflow-template instantiate` would send for onekube's template, defaults accepted. */
export function mergeFor(template: Pick<TemplateBody, "user_inputs" | "roles">, roles: object[] = []) {
  const roleValues = template.roles
    .filter((r) => r.user_inputs !== undefined)
    .map((r) => ({ name: r.name, user_inputs_values: inputValues(r.user_inputs) }));
  return { user_inputs_values: inputValues(template.user_inputs), roles: [...roleValues, ...roles] };
}

export function vmsOf(w: World, serviceId: number, role: string): VmRecord[] {
  const body = w.engine.service(serviceId)?.DOCUMENT.TEMPLATE.BODY;
  const nodes = body?.roles.find((r) => r.name === role)?.nodes ?? [];
  return nodes.map((n) => w.engine.vm(n.deploy_id)).filter((vm) => vm !== undefined);
}

export function roleState(w: World, serviceId: number, role: string): number | undefined {
  return w.engine.service(serviceId)?.DOCUMENT.TEMPLATE.BODY.roles.find((r) => r.name === role)?.state;
}

export const serviceState = (w: World, serviceId: number) =>
  w.engine.service(serviceId)?.DOCUMENT.TEMPLATE.BODY.state;

/** Each VM of the role reports READY=YES, one second apart, as its agent finishing would. */
export async function reportReady(w: World, serviceId: number, role: string): Promise<void> {
  await w.engine.idle();
  for (const vm of vmsOf(w, serviceId, role)) {
    w.clock.advance(1000);
    w.engine.updateUserTemplate(vm.id, { READY: "YES" });
  }
  await w.engine.idle();
}

/** Registers onekube's template and instantiates it; returns the service id. */
export async function instantiateOnekube(w: World, cooldown = 30): Promise<number> {
  const template = w.engine.createTemplate(serviceTemplate({ cooldown }));
  const merge = mergeFor(template.DOCUMENT.TEMPLATE.BODY);
  const service = w.engine.instantiate(Number(template.DOCUMENT.ID), merge);
  await w.engine.idle();
  return Number(service.DOCUMENT.ID);
}

/** A RUNNING onekube service: every role reported, in parent order. */
export async function runningOnekube(w: World, cooldown = 30): Promise<number> {
  const id = await instantiateOnekube(w, cooldown);
  for (const role of ["vnf", "master", "worker", "storage"]) await reportReady(w, id, role);
  return id;
}

export function lastLog(w: World, serviceId: number) {
  return w.engine.service(serviceId)?.DOCUMENT.TEMPLATE.BODY.log.at(-1);
}
