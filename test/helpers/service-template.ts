import assert from "node:assert/strict";
import { validateTemplate } from "../../src/flow/schema.js";
import { PARAM_NAMES } from "../../src/params/catalogue.js";
import type { serviceTemplate } from "../../src/service/template.js";

/**
 * The checks every OneFlow service template onekube hands out must pass (`onekube template`,
 * `onekube appliance export`): one place, so each producer is held to the same rules.
 */
export type ServiceTemplate = ReturnType<typeof serviceTemplate>;

/** The four roles in deploy order with the reference's parents and cardinalities; straight, gated. */
export function assertDeployOrder(t: ServiceTemplate): void {
  assert.deepEqual(
    t.roles.map((r) => [r.name, r.cardinality, "parents" in r ? r.parents : []]),
    [
      ["vnf", 2, []],
      ["master", 3, ["vnf"]],
      ["worker", 2, ["master"]],
      ["storage", 3, ["master"]],
    ],
  );
  assert.equal(t.deployment, "straight");
  assert.equal(t.ready_status_gate, true);
}

/** Every role inside OneFlow's rules: \w+ names, type vm, an integer template id, min <= cardinality <= max. */
export function assertRoleRules(t: ServiceTemplate): void {
  for (const r of t.roles) {
    assert.match(r.name, /^\w+$/);
    assert.equal(r.type, "vm");
    assert.ok(Number.isInteger(r.template_id));
    assert.ok(r.min_vms <= r.cardinality && r.cardinality <= r.max_vms, r.name);
  }
}

/** Every parameter declared exactly once, as a service or role user input. */
export function assertEveryParameterDeclared(t: ServiceTemplate): void {
  const declared = [t.user_inputs, ...t.roles.map((r) => ("user_inputs" in r ? r.user_inputs : {}))].flatMap(
    (o) => Object.keys(o),
  );
  assert.deepEqual([...declared].sort(), [...PARAM_NAMES].sort());
}

/** All of the above, and OneFlow's own validation as the embedded OneFlow implements it. */
export function assertServiceTemplate(t: ServiceTemplate): void {
  assertDeployOrder(t);
  assertRoleRules(t);
  assertEveryParameterDeclared(t);
  validateTemplate(structuredClone(t));
}
