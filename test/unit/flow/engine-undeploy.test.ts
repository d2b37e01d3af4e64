import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FlowEngine, type VmRecord } from "../../../src/flow/engine.js";
import { FlowError } from "../../../src/flow/errors.js";
import { parseSnapshot } from "../../../src/flow/restore.js";
import { RoleState, ServiceState, VmState } from "../../../src/flow/states.js";
import { DriverDouble } from "./driver-double.js";
import { FakeClock } from "./fake-clock.js";
import {
  instantiateOnekube,
  reportReady,
  roleState,
  runningOnekube,
  serviceState,
  vmsOf,
  world,
} from "./world.js";

const at = (vm: VmRecord, state: string) => vm.history.find((h) => h.state === state)?.seq ?? Number.NaN;

/** Every VM of `children` was DONE before any VM of `parents` started to shut down. */
function doneBeforeShutdown(children: readonly VmRecord[], parents: readonly VmRecord[]): void {
  const lastDone = Math.max(...children.map((vm) => at(vm, "DONE")));
  for (const vm of parents)
    assert.ok(at(vm, "SHUTDOWN") > lastDone, `${vm.name} shut down before its children`);
}

describe("FlowEngine undeploy", () => {
  test("undeploys children first, parents last, then deletes the service", async () => {
    // GIVEN a RUNNING onekube service
    const w = world();
    const id = await runningOnekube(w);
    const roles = Object.fromEntries(["vnf", "master", "worker", "storage"].map((r) => [r, vmsOf(w, id, r)]));

    // WHEN it is undeployed
    w.engine.undeploy(id);

    // THEN workers and storage go first, masters wait for them
    assert.equal(serviceState(w, id), ServiceState.UNDEPLOYING);
    assert.equal(roleState(w, id, "worker"), RoleState.UNDEPLOYING);
    assert.equal(roleState(w, id, "storage"), RoleState.UNDEPLOYING);
    assert.equal(roleState(w, id, "master"), RoleState.RUNNING);
    await w.engine.idle();

    // AND the service document is gone, every VM is DONE, in reverse parent order
    assert.equal(w.engine.service(id), undefined);
    assert.deepEqual(w.engine.services(), []);
    const after = Object.fromEntries(
      Object.entries(roles).map(([r, vms]) => [r, vms.map((vm) => w.engine.vm(vm.id) as VmRecord)]),
    );
    for (const vm of Object.values(after).flat()) assert.equal(vm.state, VmState.DONE);
    assert.equal(w.driver.running.size, 0);
    assert.equal(w.driver.destroyed.length, 10);
    doneBeforeShutdown([...(after.worker ?? []), ...(after.storage ?? [])], after.master ?? []);
    doneBeforeShutdown(after.master ?? [], after.vnf ?? []);
  });

  test("undeploy is refused while deploying; a failed service needs recover", async () => {
    // GIVEN a service still deploying
    const w = world();
    const id = await instantiateOnekube(w);

    // THEN undeploy is refused with its state
    assert.throws(
      () => w.engine.undeploy(id),
      (e: unknown) =>
        e instanceof FlowError &&
        e.status === 500 &&
        e.message === "Service cannot be undeployed in state: DEPLOYING",
    );

    // WHEN a VNF fails, THEN undeploy is still refused, and recover with delete removes everything
    w.driver.exit(0, 1, "no keepalived");
    await w.engine.idle();
    assert.throws(() => w.engine.undeploy(id), /FAILED_DEPLOYING/);
    w.engine.recover(id, { delete: true });
    await w.engine.idle();
    assert.equal(w.engine.service(id), undefined);
    assert.equal(w.driver.running.size, 0);
  });

  test("a VM that cannot be terminated leaves the service FAILED_UNDEPLOYING until recover", async () => {
    // GIVEN a RUNNING service whose first worker cannot be removed once
    const w = world();
    const id = await runningOnekube(w);
    const [worker] = vmsOf(w, id, "worker");
    assert.ok(worker);
    w.driver.failDestroy.add(worker.id);

    // WHEN it is undeployed
    w.engine.undeploy(id);
    await w.engine.idle();

    // THEN the worker role failed, the masters were never touched
    assert.equal(serviceState(w, id), ServiceState.FAILED_UNDEPLOYING);
    assert.equal(roleState(w, id, "worker"), RoleState.FAILED_UNDEPLOYING);
    assert.equal(roleState(w, id, "storage"), RoleState.DONE);
    assert.equal(roleState(w, id, "master"), RoleState.RUNNING);

    // WHEN recovered, THEN the undeploy completes
    w.engine.recover(id);
    await w.engine.idle();
    assert.equal(w.engine.service(id), undefined);
    assert.equal(w.driver.running.size, 0);
  });
});

describe("FlowEngine snapshot", () => {
  test("round-trips through JSON and carries on where it stopped", async () => {
    // GIVEN a service with masters deploying and a template
    const w = world();
    const id = await instantiateOnekube(w);
    await reportReady(w, id, "vnf");
    const snapshot = parseSnapshot(JSON.stringify(w.engine.snapshot()));
    assert.throws(() => parseSnapshot('{"version":2}'), /not a onekube flow snapshot/);
    w.engine.close();

    // WHEN a new engine is restored from it (a new daemon, a new driver)
    const clock = new FakeClock(w.clock.now());
    const driver = new DriverDouble();
    const restored = FlowEngine.restore(snapshot, { driver, clock, log: () => {} });

    // THEN it shows the same documents, VMs and history
    assert.deepEqual(restored.snapshot(), snapshot);
    assert.deepEqual(restored.service(id), w.engine.service(id));
    assert.deepEqual(restored.templates(), w.engine.templates());
    assert.deepEqual(restored.vms(), w.engine.vms());

    // AND the deploy continues: masters report, workers and storage are created with new ids
    for (const vm of restored.vms().filter((v) => v.role === "master"))
      restored.updateUserTemplate(vm.id, { READY: "YES" });
    await restored.idle();
    assert.equal(driver.created.length, 5);
    assert.ok(driver.created.every((spec) => spec.id >= 5));
    assert.ok(driver.created.some((spec) => spec.name === `worker_0_(service_${id})`));

    // AND the deploy deadline was re-armed from the snapshot
    clock.advance(15 * 60_000);
    assert.equal(restored.service(id)?.DOCUMENT.TEMPLATE.BODY.state, ServiceState.FAILED_DEPLOYING);
    restored.close();
  });

  test("a cooldown survives a restart", async () => {
    // GIVEN a service in COOLDOWN for 30 s, 10 s in
    const w = world();
    const id = await runningOnekube(w, 30);
    w.engine.scale(id, "worker", 3);
    await reportReady(w, id, "worker");
    w.clock.advance(10_000);
    const snapshot = w.engine.snapshot();
    w.engine.close();

    // WHEN restored
    const clock = new FakeClock(w.clock.now());
    const restored = FlowEngine.restore(snapshot, { driver: new DriverDouble(), clock, log: () => {} });

    // THEN the remaining 20 s are honoured
    clock.advance(19_999);
    assert.equal(restored.service(id)?.DOCUMENT.TEMPLATE.BODY.state, ServiceState.COOLDOWN);
    clock.advance(1);
    assert.equal(restored.service(id)?.DOCUMENT.TEMPLATE.BODY.state, ServiceState.RUNNING);
  });
});
