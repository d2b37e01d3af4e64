import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FlowError } from "../../../src/flow/errors.js";
import { deepMerge } from "../../../src/flow/merge.js";
import { validateTemplate } from "../../../src/flow/schema.js";
import { serviceTemplate } from "../../../src/service/template.js";
import { mergeFor, world } from "./world.js";

const role = (extra: object = {}) => ({ name: "r", type: "vm", template_id: 0, ...extra });
const template = (extra: object = {}, roles: object[] = [role()]) => ({ name: "t", roles, ...extra });

/** The FlowError a call throws: its status and text. */
function refusal(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof FlowError) return { status: e.status, message: e.message };
    throw e;
  }
  assert.fail("expected a refusal");
}

describe("service template validation", () => {
  test("accepts onekube's template and fills upstream's defaults", () => {
    // GIVEN onekube's template and a minimal one
    const onekube = validateTemplate(serviceTemplate());
    const minimal = validateTemplate(template({}, [role({ extra_key: { kept: true } })]));

    // THEN onekube's passes unchanged, and the minimal one gets deployment, description, cardinality
    assert.equal(onekube.deployment, "straight");
    assert.equal(onekube.roles.length, 4);
    assert.equal(minimal.deployment, "none");
    assert.equal(minimal.description, "");
    assert.equal(minimal.roles[0]?.cardinality, 0);
    assert.deepEqual(minimal.roles[0]?.extra_key, { kept: true });
  });

  test("converts integers given as strings, and treats null and false as absent", () => {
    const body = validateTemplate(
      template({ deployment: null, on_hold: false }, [
        role({ template_id: "7", cardinality: " 3 ", cooldown: 2.9 }),
      ]),
    );
    assert.equal(body.roles[0]?.template_id, 7);
    assert.equal(body.roles[0]?.cardinality, 3);
    assert.equal(body.roles[0]?.cooldown, 2);
    assert.equal(body.deployment, "none");
  });

  const cases: [string, object, string][] = [
    [
      "name missing",
      { roles: [role()] },
      `Mandatory document key 'name (string)' is missing from {"roles":[`,
    ],
    ["roles missing", { name: "t" }, `Mandatory document key 'roles (array)' is missing from {"name":"t"}`],
    [
      "template_id missing",
      template({}, [{ name: "r", type: "vm" }]),
      `Mandatory document key 'template_id (integer)' is missing from {"name":"r","type":"vm"}`,
    ],
    [
      "template_id false",
      template({}, [role({ template_id: false })]),
      "Mandatory document key 'template_id (integer)'",
    ],
    ["type missing", template({}, [{ name: "r", template_id: 0 }]), "Mandatory document key 'type (string)'"],
    ["bad deployment", template({ deployment: "fast" }), "KEY: 'deployment' must be one of none, straight;"],
    ["bad role name", template({}, [role({ name: "my role" })]), "KEY: 'name' must match regexp /^\\w+$/;"],
    ["name not a string", template({ name: 5 }), "KEY: 'name' must be a String;"],
    [
      "cardinality not an integer",
      template({}, [role({ cardinality: "two" })]),
      "KEY: 'cardinality' must be an Integer;",
    ],
    [
      "negative cooldown",
      template({}, [role({ cooldown: -1 })]),
      "KEY: 'cooldown' must be greater than or equal to 0;",
    ],
    ["parents not an array", template({}, [role({ parents: "a" })]), "KEY: 'parents' must be an Array;"],
    ["repeated role", template({}, [role(), role()]), "Role name 'r' is repeated"],
    [
      "min_vms above cardinality",
      template({}, [role({ cardinality: 1, min_vms: 2 })]),
      "Role 'r' 'cardinality' must be greater than or equal to 'min_vms'",
    ],
    [
      "max_vms below cardinality",
      template({}, [role({ cardinality: 3, max_vms: 2 })]),
      "Role 'r' 'cardinality' must be lower than or equal to 'max_vms'",
    ],
  ];
  for (const [what, input, message] of cases) {
    test(`refuses with upstream's text: ${what}`, () => {
      const got = refusal(() => validateTemplate(input));
      assert.equal(got.status, 400);
      assert.ok(got.message.startsWith(message), `${got.message}\n  does not start with\n${message}`);
    });
  }
});

describe("instantiate", () => {
  test("every user input needs a value, even optional ones (400)", () => {
    // GIVEN onekube's template registered
    const w = world();
    const t = w.engine.createTemplate(serviceTemplate());
    const id = Number(t.DOCUMENT.ID);
    const merge = mergeFor(t.DOCUMENT.TEMPLATE.BODY);

    // THEN no values at all, and a missing one, are refused with upstream's texts
    assert.deepEqual(
      refusal(() => w.engine.instantiate(id)),
      { status: 400, message: "The Service template specifies User Inputs but no values have been found" },
    );
    const { ONEAPP_K8S_PORT: _, ...missing } = merge.user_inputs_values;
    assert.deepEqual(
      refusal(() => w.engine.instantiate(id, { ...merge, user_inputs_values: missing })),
      { status: 400, message: "Verify that every User Input have its corresponding value defined" },
    );
    assert.equal(w.engine.services().length, 0);
  });

  test("a merge template overrides a role's cardinality by name; a bad merge is a 500", async () => {
    // GIVEN onekube's template
    const w = world();
    const t = w.engine.createTemplate(serviceTemplate());
    const id = Number(t.DOCUMENT.ID);

    // WHEN instantiated with 4 workers
    const service = w.engine.instantiate(
      id,
      mergeFor(t.DOCUMENT.TEMPLATE.BODY, [{ name: "worker", cardinality: 4 }]),
    );

    // THEN the service says so, and keeps the template's other roles as they were
    const roles = service.DOCUMENT.TEMPLATE.BODY.roles;
    assert.deepEqual(
      roles.map((r) => [r.name, r.cardinality, r.state, r.last_vmname, r.cooldown, r.on_hold]),
      [
        ["vnf", 2, 0, 0, 30, false],
        ["master", 3, 0, 0, 30, false],
        ["worker", 4, 0, 0, 30, false],
        ["storage", 3, 0, 0, 30, false],
      ],
    );
    // AND 7.x puts the input values in each role's contents, as attribute and context reference
    const contents = roles[1]?.template_contents;
    assert.equal(contents?.ONEAPP_K8S_PORT, "6443");
    assert.deepEqual(contents?.CONTEXT, {
      ...(contents?.CONTEXT as object),
      ONEAPP_K8S_PORT: "$ONEAPP_K8S_PORT",
    });
    assert.deepEqual(service.DOCUMENT.TEMPLATE.BODY.networks_values, [{ service: { id: "0" } }]);
    await w.engine.idle();

    // WHEN the merge breaks the schema, THEN it is refused as upstream does at instantiate: 500
    const broken = { ...mergeFor(t.DOCUMENT.TEMPLATE.BODY), deployment: "sideways" };
    assert.deepEqual(
      refusal(() => w.engine.instantiate(id, broken)),
      {
        status: 500,
        message: "KEY: 'deployment' must be one of none, straight;",
      },
    );
    assert.deepEqual(
      refusal(() => w.engine.instantiate(42)),
      {
        status: 404,
        message: "[one.document.info] Error getting document [42].",
      },
    );
  });

  test("deepMerge follows Ruby's deep_merge", () => {
    assert.deepEqual(
      deepMerge({ a: { b: 1, c: 2 }, l: [{ x: 1 }, { y: 2 }] }, { a: { b: 3 }, l: [{ z: 3 }] }),
      {
        a: { b: 3, c: 2 },
        l: [{ x: 1, z: 3 }, { y: 2 }],
      },
    );
    assert.deepEqual(deepMerge({ l: [1, 2, 3] }, { l: [4] }), { l: [4] });
  });
});
