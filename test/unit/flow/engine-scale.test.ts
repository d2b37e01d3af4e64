import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FlowError } from "../../../src/flow/errors.js";
import { RoleState, ServiceState, VmState } from "../../../src/flow/states.js";
import {
  instantiateOnekube,
  reportReady,
  roleState,
  runningOnekube,
  serviceState,
  vmsOf,
  world,
} from "./world.js";

const refusal = (status: number, message: string) => (e: unknown) =>
  e instanceof FlowError && e.status === status && e.message === message;

const names = (w: ReturnType<typeof world>, id: number, role: string) =>
  vmsOf(w, id, role).map((vm) => vm.name);

describe("FlowEngine scale", () => {
  test("worker 2 → 4 → 1: SCALING, COOLDOWN, RUNNING; scale-down removes the oldest first", async () => {
    // GIVEN a RUNNING onekube service whose roles cool down for 30 s
    const w = world();
    const id = await runningOnekube(w, 30);
    const before = vmsOf(w, id, "worker");

    // WHEN the workers are scaled to 4
    w.engine.scale(id, "worker", 4);

    // THEN the service and role are SCALING, two VMs with new names appear
    assert.equal(serviceState(w, id), ServiceState.SCALING);
    assert.equal(roleState(w, id, "worker"), RoleState.SCALING);
    assert.deepEqual(
      names(w, id, "worker"),
      [0, 1, 2, 3].map((n) => `worker_${n}_(service_${id})`),
    );
    // AND they must pass the gate before the role cools down
    await reportReady(w, id, "worker");
    assert.equal(serviceState(w, id), ServiceState.COOLDOWN);
    assert.equal(roleState(w, id, "worker"), RoleState.COOLDOWN);
    assert.throws(
      () => w.engine.scale(id, "worker", 1),
      refusal(500, "Service cannot be scaled in state: COOLDOWN"),
    );
    w.clock.advance(29_999);
    assert.equal(serviceState(w, id), ServiceState.COOLDOWN);
    w.clock.advance(1);
    assert.equal(serviceState(w, id), ServiceState.RUNNING);
    assert.equal(roleState(w, id, "worker"), RoleState.RUNNING);

    // WHEN they are scaled down to 1
    const four = vmsOf(w, id, "worker");
    w.engine.scale(id, "worker", "1");
    assert.equal(serviceState(w, id), ServiceState.SCALING);
    await w.engine.idle();

    // THEN the three oldest went through the driver, and only the newest is left
    assert.deepEqual(
      w.driver.destroyed,
      four.slice(0, 3).map((vm) => vm.id),
    );
    assert.deepEqual(names(w, id, "worker"), [`worker_3_(service_${id})`]);
    for (const vm of four.slice(0, 3)) assert.equal(w.engine.vm(vm.id)?.state, VmState.DONE);
    assert.equal(w.engine.service(id)?.DOCUMENT.TEMPLATE.BODY.roles[2]?.cardinality, 1);
    assert.equal(serviceState(w, id), ServiceState.COOLDOWN);
    w.clock.advance(30_000);
    assert.equal(serviceState(w, id), ServiceState.RUNNING);
    assert.deepEqual(
      w.engine.history(id)?.worker?.map((t) => t.state),
      ["DEPLOYING", "RUNNING", "SCALING", "COOLDOWN", "RUNNING", "SCALING", "COOLDOWN", "RUNNING"],
    );
    assert.equal(before.length, 2);
  });

  test("refusals use upstream's texts", async () => {
    // GIVEN a RUNNING onekube service (worker: 2 VMs, min 1, max 100)
    const w = world();
    const id = await runningOnekube(w);

    // THEN each refusal is a 500 with OneFlow's words, and nothing changed
    assert.throws(() => w.engine.scale(id, "nope", 3), refusal(500, "Role nope not found"));
    assert.throws(
      () => w.engine.scale(id, "worker", 2),
      refusal(500, "Cardinality of worker is already at 2"),
    );
    assert.throws(
      () => w.engine.scale(id, "worker", 0),
      refusal(500, `Can't scale service ${id}: Minimum cardinality is 1`),
    );
    assert.throws(
      () => w.engine.scale(id, "worker", 101),
      refusal(500, `Can't scale service ${id}: Maximum cardinality is 100`),
    );
    assert.throws(
      () => w.engine.scale(99, "worker", 3),
      refusal(404, "[one.document.info] Error getting document [99]."),
    );
    assert.equal(serviceState(w, id), ServiceState.RUNNING);

    // WHEN forced, the bounds do not apply
    w.engine.scale(id, "master", 2, true);
    await w.engine.idle();
    assert.equal(vmsOf(w, id, "master").length, 2);
  });

  test("a service still deploying cannot be scaled", async () => {
    const w = world();
    // GIVEN a service whose VNFs have not reported
    const id = await instantiateOnekube(w);
    // THEN scaling is refused with its state
    assert.throws(
      () => w.engine.scale(id, "worker", 3),
      refusal(500, "Service cannot be scaled in state: DEPLOYING"),
    );
  });

  test("the scale-down picker chooses which VMs go (e.g. never the first master)", async () => {
    // GIVEN a picker that keeps the oldest VMs and removes the newest
    const asked: { role: string; count: number; ids: number[] }[] = [];
    const w = world({
      pickScaleDown: async (candidates, count) => {
        asked.push({ role: candidates.role, count, ids: candidates.vms.map((vm) => vm.id) });
        return candidates.vms.slice(-count).map((vm) => vm.id);
      },
    });
    const id = await runningOnekube(w);
    const masters = vmsOf(w, id, "master");
    w.engine.scale(id, "master", 5, true);
    await reportReady(w, id, "master");
    w.clock.advance(30_000);

    // WHEN the masters go back to 3
    w.engine.scale(id, "master", 3);
    await w.engine.idle();

    // THEN the picker was asked with every master, oldest first, and its choice was applied
    assert.equal(asked.length, 1);
    assert.equal(asked[0]?.count, 2);
    assert.deepEqual(
      vmsOf(w, id, "master").map((vm) => vm.id),
      masters.map((vm) => vm.id),
    );
  });

  test("a VM the driver cannot terminate fails the scale; recover retries it", async () => {
    // GIVEN a driver that cannot remove the oldest worker once
    const w = world();
    const id = await runningOnekube(w);
    const [oldest] = vmsOf(w, id, "worker");
    assert.ok(oldest);
    w.driver.failDestroy.add(oldest.id);

    // WHEN the workers are scaled to 1
    w.engine.scale(id, "worker", 1);
    await w.engine.idle();

    // THEN the scale failed, naming the VM
    assert.equal(serviceState(w, id), ServiceState.FAILED_SCALING);
    assert.equal(roleState(w, id, "worker"), RoleState.FAILED_SCALING);
    const error = w.engine.service(id)?.DOCUMENT.TEMPLATE.BODY.log.find((l) => l.severity === "E");
    assert.match(
      error?.message ?? "",
      new RegExp(
        `${oldest.name.replace(/[()]/g, "\\$&")} \\(ID ${oldest.id}\\) could not be terminated: VM ${oldest.id} is stuck`,
      ),
    );

    // WHEN recovered
    w.engine.recover(id);
    await w.engine.idle();

    // THEN the termination is retried and the role cools down
    assert.equal(w.engine.vm(oldest.id)?.state, VmState.DONE);
    assert.equal(serviceState(w, id), ServiceState.COOLDOWN);
    assert.equal(vmsOf(w, id, "worker").length, 1);

    // AND recover during COOLDOWN ends it at once
    w.engine.recover(id);
    assert.equal(serviceState(w, id), ServiceState.RUNNING);
    assert.equal(roleState(w, id, "worker"), RoleState.RUNNING);
    assert.throws(() => w.engine.recover(id), refusal(500, "Service cannot be recovered in state: RUNNING"));
  });

  test("an agent exiting on a RUNNING service puts its role and the service in WARNING", async () => {
    // GIVEN a RUNNING service
    const w = world();
    const id = await runningOnekube(w);
    const [worker] = vmsOf(w, id, "worker");
    assert.ok(worker);

    // WHEN a worker's agent dies
    w.driver.exit(worker.id, null, "", "SIGKILL");
    await w.engine.idle();

    // THEN OneFlow's watchdog rule applies
    assert.equal(roleState(w, id, "worker"), RoleState.WARNING);
    assert.equal(serviceState(w, id), ServiceState.WARNING);
    assert.throws(
      () => w.engine.scale(id, "worker", 3),
      refusal(500, "Service cannot be scaled in state: WARNING"),
    );
  });
});
