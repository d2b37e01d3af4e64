import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ALL_PERMITTED } from "../../../src/onegate/auth.js";
import { makeToken } from "../../../src/onegate/token.js";
import { type CallInit, form, JSON_TYPE, TOKEN_PASSWORD, vm, world } from "./world.js";

type World = ReturnType<typeof world>;

/** Extra VMs and services some rows need: 12 claims service 7 without being in it, 50 and 60 name broken services. */
function withStrays(w: World): World {
  w.backend.putVm(vm(12, { SERVICE_ID: "7" }));
  w.backend.putVm(vm(13, { SERVICE_ID: "seven" }));
  w.backend.putVm(vm(50, { SERVICE_ID: "9" }));
  w.backend.putVm(vm(60, { SERVICE_ID: "99" }));
  w.backend.putService({ id: 9, name: "broken", state: 2 });
  return w;
}

const headers = (token: string, vmId: string) => ({ "X-ONEGATE-TOKEN": token, "X-ONEGATE-VMID": vmId });

// [why, caller, method, path, init, status, body]: every row of the reference's error table (§1.10).
const ROWS: [string, number | undefined, string, string, CallInit, number, string][] = [
  ["no headers", undefined, "GET", "/vm", {}, 401, "Not authorized"],
  [
    "token without VMID",
    undefined,
    "GET",
    "/vm",
    { headers: { "X-ONEGATE-TOKEN": "x" } },
    401,
    "Not authorized",
  ],
  [
    "VMID without token",
    undefined,
    "GET",
    "/vm",
    { headers: { "X-ONEGATE-VMID": "10" } },
    401,
    "Not authorized",
  ],
  [
    "unknown VM: 401, not 404",
    undefined,
    "GET",
    "/vm",
    { headers: headers(makeToken(TOKEN_PASSWORD, 99, 1), "99") },
    401,
    "Not authorized",
  ],
  [
    "another VM's id with a token",
    undefined,
    "GET",
    "/vm",
    { headers: headers(makeToken(TOKEN_PASSWORD, 10, 1_700_000_010), "20") },
    401,
    "Not authorized",
  ],
  [
    "a wrong token",
    undefined,
    "GET",
    "/service",
    { headers: headers("AgTffmq/LyEbdncgHfYvfg==", "10") },
    401,
    "Not authorized",
  ],
  [
    "a VMID that is not a number",
    undefined,
    "GET",
    "/vm",
    { headers: headers("x", "ten") },
    401,
    "Not authorized",
  ],
  [
    "restricted set",
    10,
    "PUT",
    "/vm",
    { body: "SERVICE_ID=8" },
    403,
    "Attribute (SERVICE_ID) cannot be modified",
  ],
  [
    "restricted erase",
    10,
    "PUT",
    "/vm",
    { contentType: form, body: "data=SCHED_REQUIREMENTS&type=2" },
    403,
    "Attribute (SCHED_REQUIREMENTS) cannot be deleted",
  ],
  ["GET /service outside any service", 40, "GET", "/service", {}, 400, "Empty or invalid SERVICE_ID"],
  [
    "scale outside any service",
    40,
    "PUT",
    "/service/role/worker",
    { body: '{"cardinality":1}' },
    400,
    "Empty or invalid SERVICE_ID",
  ],
  ["SERVICE_ID not digits", 13, "GET", "/vms/10", {}, 400, "Empty or invalid SERVICE_ID"],
  ["another service's VM", 10, "GET", "/vms/30", {}, 400, "Service 7 does not contain VM 30."],
  [
    "write another service's VM",
    10,
    "PUT",
    "/vms/30",
    { body: "X=1" },
    400,
    "Service 7 does not contain VM 30.",
  ],
  ["caller not in its service", 12, "GET", "/service", {}, 400, "Service 7 does not contain VM 12."],
  ["service without roles", 50, "GET", "/service", {}, 400, "Service 9 is empty."],
  [
    "lone VM reads another",
    40,
    "GET",
    "/vms/10",
    {},
    400,
    "This VM does not belong to any Virtual Router or Service, so it cannot retrieve information from other VMs",
  ],
  [
    "scale refused",
    10,
    "PUT",
    "/service/role/worker",
    { body: '{"cardinality":1}' },
    400,
    "Error performing action on service 7 role worker",
  ],
  ["unknown path", 10, "GET", "/nope", {}, 400, "OneGate server doesn't support this feature"],
  ["unknown method", 10, "DELETE", "/vm", {}, 400, "OneGate server doesn't support this feature"],
  ["trailing slash", 10, "GET", "/vm/", {}, 400, "OneGate server doesn't support this feature"],
  [
    "VM actions are not served",
    10,
    "POST",
    "/vms/20/action",
    { body: "{}" },
    400,
    "OneGate server doesn't support this feature",
  ],
  [
    "virtual routers are not served",
    10,
    "GET",
    "/vrouter",
    {},
    400,
    "OneGate server doesn't support this feature",
  ],
  ["unknown service", 60, "GET", "/service", {}, 404, "Service 99 not found"],
  [
    "erase a missing attribute",
    10,
    "PUT",
    "/vm",
    { contentType: form, body: "data=NOPE&type=2" },
    500,
    "attribute not found",
  ],
  [
    "erase is case-sensitive",
    10,
    "PUT",
    "/vm",
    { contentType: form, body: "data=ready&type=2" },
    500,
    "attribute not found",
  ],
  [
    "template parse error",
    10,
    "PUT",
    "/vm",
    { body: "JUST_A_NAME" },
    500,
    'Error parsing template: line "JUST_A_NAME" is not KEY=VALUE',
  ],
];

describe("OneGate errors (reference §1.10)", () => {
  for (const [why, as, method, path, init, status, body] of ROWS) {
    test(`${status} ${body} — ${why}`, async () => {
      // GIVEN the two-role service and the strays
      const w = withStrays(world());
      // WHEN the request is made
      const answer = await w.call(as, method, path, init);
      // THEN the status and the plain-text body are upstream's, labelled JSON like every answer
      assert.deepEqual([answer.status, answer.body], [status, body]);
      assert.equal(answer.contentType, JSON_TYPE);
    });
  }

  test("a permission switch that is off answers 403 before any authentication", async () => {
    // GIVEN vm.show and service.change_cardinality switched off
    const w = world({
      permissions: {
        vm: { ...ALL_PERMITTED.vm, show: false },
        service: { show: true, change_cardinality: false },
      },
    });
    // WHEN called without any credentials THEN 403 with upstream's sentence, not 401
    const show = await w.call(undefined, "GET", "/vm");
    assert.deepEqual(
      [show.status, show.body, show.contentType],
      [403, "Action (show) on resource (vm) not supported", JSON_TYPE],
    );
    const scale = await w.call(undefined, "PUT", "/service/role/worker", { body: "{}" });
    assert.deepEqual(
      [scale.status, scale.body],
      [403, "Action (change_cardinality) on resource (service) not supported"],
    );
    // AND the routes left on still authenticate
    assert.equal((await w.call(undefined, "GET", "/vms/10")).status, 401);
    assert.equal((await w.call(10, "GET", "/vms/10")).status, 200);
  });

  test("authentication comes before the route's own checks", async () => {
    // GIVEN a lone VM whose request would be a 400, sent with a bad token THEN 401
    const w = world();
    const answer = await w.call(undefined, "GET", "/service", { headers: headers("bad", "40") });
    assert.equal(answer.status, 401);
  });

  test("a VM's token stops working when its owner's TOKEN_PASSWORD changes", async () => {
    const w = world();
    const token = w.backend.tokenFor(10);
    w.backend.setTokenPassword(0, "f".repeat(64));
    assert.equal((await w.call(undefined, "GET", "/vm", { headers: headers(token, "10") })).status, 401);
  });
});
