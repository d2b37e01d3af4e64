import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ScaleRefused } from "../../../src/onegate/backend.js";
import { MemoryBackend, type ScaleRequest } from "../../../src/onegate/memory-backend.js";
import { vm } from "./world.js";

function backendWithService(state: number, onScale?: (r: ScaleRequest) => void) {
  const backend = new MemoryBackend(onScale);
  backend.putVm(vm(1, { SERVICE_ID: "3" }));
  backend.putService({
    id: 3,
    name: "s",
    state,
    roles: [{ name: "worker", cardinality: 1, state: 2, nodes: [{ deployId: 1 }] }],
  });
  return backend;
}

describe("MemoryBackend", () => {
  test("scaling applies OneFlow's refusals", async () => {
    const refused = (p: Promise<void>, message: RegExp) =>
      assert.rejects(p, (e: unknown) => e instanceof ScaleRefused && message.test(e.message));
    await refused(backendWithService(10).scaleRole(3, "worker", 2), /cannot be scaled in state: COOLDOWN/);
    await refused(backendWithService(2).scaleRole(3, "master", 2), /Role master not found/);
    await refused(backendWithService(2).scaleRole(3, "worker", "1"), /already at 1/);
    await refused(backendWithService(2).scaleRole(3, "worker", -1), /Invalid cardinality/);
    await refused(backendWithService(2).scaleRole(4, "worker", 2), /Service 4 not found/);
  });

  test("an accepted scale records the request, the cardinality and SCALING, then calls the engine", async () => {
    const seen: ScaleRequest[] = [];
    const backend = backendWithService(2, (r) => void seen.push(r));
    await backend.scaleRole(3, "worker", "4");
    assert.deepEqual(seen, [{ serviceId: 3, role: "worker", cardinality: 4 }]);
    assert.deepEqual(backend.service(3)?.roles?.[0], {
      name: "worker",
      cardinality: 4,
      state: 8,
      nodes: [{ deployId: 1 }],
    });
    assert.equal(backend.service(3)?.state, 8);
  });

  test("answers copies, so callers cannot change the store behind its back", () => {
    const backend = backendWithService(2);
    const copy = backend.vm(1);
    assert.ok(copy);
    (copy.userTemplate as Record<string, string>).SERVICE_ID = "9";
    assert.equal(backend.vm(1)?.userTemplate.SERVICE_ID, "3");
  });

  test("erase reports whether the attribute was there", () => {
    const backend = backendWithService(2);
    backend.updateUserTemplate(1, { A: "1" });
    assert.equal(backend.eraseUserTemplate(1, "A"), true);
    assert.equal(backend.eraseUserTemplate(1, "A"), false);
    assert.throws(() => backend.updateUserTemplate(2, { A: "1" }), /VM 2 does not exist/);
  });
});
