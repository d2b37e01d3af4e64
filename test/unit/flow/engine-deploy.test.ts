import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { VmRecord } from "../../../src/flow/engine.js";
import type { Transition } from "../../../src/flow/state.js";
import { LcmState, RoleState, ServiceState, VmState } from "../../../src/flow/states.js";
import { serviceTemplate } from "../../../src/service/template.js";
import {
  inputValues,
  instantiateOnekube,
  lastLog,
  ONEGATE,
  reportReady,
  roleState,
  serviceState,
  vmsOf,
  world,
} from "./world.js";

const when = (vm: VmRecord, state: string): Transition => {
  const t = vm.history.find((h) => h.state === state);
  assert.ok(t, `${vm.name} never was ${state}`);
  return t;
};

/** Every VM of `later` was created after every VM of `earlier` reported READY. */
function createdAfterReady(earlier: readonly VmRecord[], later: readonly VmRecord[]): void {
  const lastReady = Math.max(...earlier.map((vm) => when(vm, "READY").seq));
  const lastReadyAt = Math.max(...earlier.map((vm) => when(vm, "READY").at));
  for (const vm of later) {
    assert.ok(when(vm, "PENDING").seq > lastReady, `${vm.name} created before its parents were READY`);
    assert.ok(when(vm, "PENDING").at >= lastReadyAt);
  }
}

describe("FlowEngine deploy", () => {
  test("deploys onekube's template in parent order and ends RUNNING", async () => {
    // GIVEN onekube's real service template, instantiated with every input's default
    const w = world();
    const id = await instantiateOnekube(w);

    // THEN only the vnf role deploys at first
    assert.equal(serviceState(w, id), ServiceState.DEPLOYING);
    assert.equal(roleState(w, id, "vnf"), RoleState.DEPLOYING);
    assert.equal(roleState(w, id, "master"), RoleState.PENDING);
    assert.deepEqual(
      vmsOf(w, id, "vnf").map((vm) => vm.name),
      [`vnf_0_(service_${id})`, `vnf_1_(service_${id})`],
    );
    assert.equal(vmsOf(w, id, "master").length, 0);

    // WHEN the VNFs report READY, then the masters, then workers and storage
    await reportReady(w, id, "vnf");
    assert.equal(roleState(w, id, "master"), RoleState.DEPLOYING);
    assert.equal(vmsOf(w, id, "worker").length, 0, "workers wait for the masters");
    await reportReady(w, id, "master");
    assert.equal(roleState(w, id, "worker"), RoleState.DEPLOYING);
    assert.equal(roleState(w, id, "storage"), RoleState.DEPLOYING);
    await reportReady(w, id, "worker");
    assert.equal(serviceState(w, id), ServiceState.DEPLOYING, "storage is not READY yet");
    await reportReady(w, id, "storage");

    // THEN the service is RUNNING and the recorded timestamps show the parent order
    assert.equal(serviceState(w, id), ServiceState.RUNNING);
    const [vnf, master, worker, storage] = ["vnf", "master", "worker", "storage"].map((r) => vmsOf(w, id, r));
    assert.ok(vnf && master && worker && storage);
    assert.deepEqual([vnf.length, master.length, worker.length, storage.length], [2, 3, 2, 3]);
    createdAfterReady(vnf, master);
    createdAfterReady(master, [...worker, ...storage]);
    const history = w.engine.history(id);
    assert.deepEqual(
      history?.master?.map((t) => t.state),
      ["DEPLOYING", "RUNNING"],
    );
    const log = w.engine.service(id)?.DOCUMENT.TEMPLATE.BODY.log.map((l) => l.message);
    assert.deepEqual(log, ["New state: DEPLOYING_NETS", "New state: DEPLOYING", "New state: RUNNING"]);
    assert.equal(w.driver.created.length, 10);
  });

  test("VMs carry SERVICE_ID, ROLE_NAME and the input values in USER_TEMPLATE and context", async () => {
    // GIVEN onekube instantiated with a chosen endpoint and storage label
    const w = world();
    const template = w.engine.createTemplate(serviceTemplate());
    const body = template.DOCUMENT.TEMPLATE.BODY;
    const merge = {
      user_inputs_values: { ...inputValues(body.user_inputs), ONEAPP_VNF_LB0_IP: "10.1.0.5" },
      roles: [
        { name: "vnf", user_inputs_values: inputValues(body.roles[0]?.user_inputs) },
        {
          name: "storage",
          user_inputs_values: { ...inputValues(body.roles[3]?.user_inputs), ONEAPP_STORAGE_LABEL: "DATA" },
        },
      ],
    };
    const id = Number(w.engine.instantiate(Number(template.DOCUMENT.ID), merge).DOCUMENT.ID);
    await reportReady(w, id, "vnf");
    await reportReady(w, id, "master");

    // WHEN looking at a vnf VM and a storage VM
    const [vnf] = vmsOf(w, id, "vnf");
    const [storage] = vmsOf(w, id, "storage");
    assert.ok(vnf && storage);

    // THEN identity and inputs are in USER_TEMPLATE, inputs also in the context
    assert.equal(vnf.userTemplate.SERVICE_ID, String(id));
    assert.equal(vnf.userTemplate.ROLE_NAME, "vnf");
    assert.equal(vnf.userTemplate.ONEAPP_VNF_LB0_IP, "10.1.0.5");
    assert.equal(vnf.context.ONEAPP_VNF_LB0_IP, "10.1.0.5");
    assert.equal(vnf.context.ONEAPP_VNF_DNS_ENABLED, "NO");
    assert.equal(vnf.userTemplate.ONEAPP_STORAGE_LABEL, undefined, "role inputs stay in their role");
    assert.equal(storage.userTemplate.ROLE_NAME, "storage");
    assert.equal(storage.userTemplate.ONEAPP_STORAGE_LABEL, "DATA");
    assert.equal(storage.context.ONEAPP_STORAGE_LABEL, "DATA");
    assert.equal(storage.context.ONEAPP_VNF_LB0_IP, "10.1.0.5");
    // The core's part: TOKEN=YES brings ONEGATE_ENDPOINT and VMID; $USER[...] is resolved.
    assert.equal(vnf.context.ONEGATE_ENDPOINT, ONEGATE);
    assert.equal(vnf.context.VMID, String(vnf.id));
    assert.equal(vnf.context.SSH_PUBLIC_KEY, "ssh-ed25519 AAAA test");
    assert.equal(vnf.context.SERVICE_ID, undefined, "identity is not in context.sh");
    // The driver got the same context, the token, and the storage role's extra disk.
    const spec = w.driver.created.find((s) => s.id === storage.id);
    assert.equal(spec?.context.ONEAPP_STORAGE_LABEL, "DATA");
    assert.equal(spec?.token, storage.token);
    assert.deepEqual(spec?.disk, { sizeMb: 61440 });
    assert.deepEqual(storage.nics, [
      { IP: `172.20.0.${storage.id + 10}`, MAC: storage.nics[0]?.MAC, NAME: "NIC0", NETWORK: "service" },
    ]);
    assert.equal(storage.state, VmState.ACTIVE);
    assert.equal(storage.lcmState, LcmState.RUNNING);
  });

  test("READY must be YES once trimmed, case-sensitive", async () => {
    // GIVEN a deploying vnf role
    const w = world();
    const id = await instantiateOnekube(w);
    const [a, b] = vmsOf(w, id, "vnf");
    assert.ok(a && b);

    // WHEN one VM says "yes" and the other " YES "
    w.engine.updateUserTemplate(a.id, { READY: "yes" });
    w.engine.updateUserTemplate(b.id, { READY: " YES\n" });
    await w.engine.idle();

    // THEN the role still waits; fixing the first lets it pass
    assert.equal(roleState(w, id, "vnf"), RoleState.DEPLOYING);
    w.engine.updateUserTemplate(a.id, { READY: "YES" });
    await w.engine.idle();
    assert.equal(roleState(w, id, "vnf"), RoleState.RUNNING);
  });

  test("an agent that exits while its role deploys fails the role and the service, with the reason", async () => {
    // GIVEN masters deploying
    const w = world();
    const id = await instantiateOnekube(w);
    await reportReady(w, id, "vnf");
    const [first, second] = vmsOf(w, id, "master");
    assert.ok(first && second);

    // WHEN the second master's agent exits with status 3
    w.driver.exit(
      second.id,
      3,
      "[phase] preflight: ok\n[phase] kubeadm-join: failed\ncannot reach 172.20.0.100:6443\n",
    );
    await w.engine.idle();

    // THEN the VM is in BOOT_FAILURE, role and service FAILED_DEPLOYING, and the log says why
    const failed = w.engine.vm(second.id);
    assert.equal(failed?.state, VmState.ACTIVE);
    assert.equal(failed?.lcmState, LcmState.BOOT_FAILURE);
    assert.deepEqual(failed?.exit, {
      code: 3,
      signal: null,
      logTail: "[phase] preflight: ok\n[phase] kubeadm-join: failed\ncannot reach 172.20.0.100:6443\n",
    });
    assert.equal(roleState(w, id, "master"), RoleState.FAILED_DEPLOYING);
    assert.equal(serviceState(w, id), ServiceState.FAILED_DEPLOYING);
    const log = w.engine.service(id)?.DOCUMENT.TEMPLATE.BODY.log ?? [];
    const error = log.find((l) => l.severity === "E");
    assert.ok(error);
    assert.match(error.message, new RegExp(`master_1_\\(service_${id}\\) \\(ID ${second.id}\\)`));
    assert.match(error.message, /exit status 3/);
    assert.match(error.message, /cannot reach 172\.20\.0\.100:6443/);
    assert.equal(lastLog(w, id)?.message, "New state: FAILED_DEPLOYING");

    // AND nothing moves on: the first master reporting READY does not start the workers
    w.engine.updateUserTemplate(first.id, { READY: "YES" });
    await w.engine.idle();
    assert.equal(vmsOf(w, id, "worker").length, 0);
  });

  test("recover replaces the failed VM with a new one and the deploy carries on", async () => {
    // GIVEN a master that failed
    const w = world();
    const id = await instantiateOnekube(w);
    await reportReady(w, id, "vnf");
    const failed = vmsOf(w, id, "master")[2];
    assert.ok(failed);
    w.driver.exit(failed.id, 1, "boom");
    await w.engine.idle();

    // WHEN the service is recovered
    w.engine.recover(id);
    await w.engine.idle();

    // THEN the failed VM is terminated and a new master_3 takes its place
    assert.equal(serviceState(w, id), ServiceState.DEPLOYING);
    assert.equal(roleState(w, id, "master"), RoleState.DEPLOYING);
    assert.equal(w.engine.vm(failed.id)?.state, VmState.DONE);
    assert.ok(w.driver.destroyed.includes(failed.id));
    assert.deepEqual(
      vmsOf(w, id, "master").map((vm) => vm.name),
      [0, 1, 3].map((n) => `master_${n}_(service_${id})`),
    );
    for (const role of ["master", "worker", "storage"]) await reportReady(w, id, role);
    assert.equal(serviceState(w, id), ServiceState.RUNNING);
  });

  test("a role that does not pass the gate in time fails with the late VMs named", async () => {
    // GIVEN a 10-minute deploy timeout and masters deploying
    const w = world({ deployTimeoutMs: 600_000 });
    const id = await instantiateOnekube(w);
    await reportReady(w, id, "vnf");
    const [m0, m1, m2] = vmsOf(w, id, "master");
    assert.ok(m0 && m1 && m2);
    w.engine.updateUserTemplate(m0.id, { READY: "YES" });

    // WHEN ten minutes pass
    w.clock.advance(599_999);
    assert.equal(roleState(w, id, "master"), RoleState.DEPLOYING);
    w.clock.advance(1);
    await w.engine.idle();

    // THEN the role and service are FAILED_DEPLOYING and the log names the VMs still waited for
    assert.equal(roleState(w, id, "master"), RoleState.FAILED_DEPLOYING);
    assert.equal(serviceState(w, id), ServiceState.FAILED_DEPLOYING);
    const error = w.engine.service(id)?.DOCUMENT.TEMPLATE.BODY.log.find((l) => l.severity === "E");
    assert.equal(
      error?.message,
      `Role master : deploy timed out after 600 s; ${m1.name} (ID ${m1.id}), ${m2.name} (ID ${m2.id}) did not report READY=YES`,
    );
    // AND the vnf role, already RUNNING, kept no timer
    assert.equal(w.clock.armed, 0);
  });

  test("a VM the driver cannot create fails its role (PROLOG_FAILURE)", async () => {
    // GIVEN a driver that refuses the first VM
    const w = world();
    w.driver.failCreate.add(0);

    // WHEN onekube is instantiated
    const id = await instantiateOnekube(w);

    // THEN the vnf role fails with the driver's reason
    const vm = w.engine.vm(0);
    assert.equal(vm?.lcmState, LcmState.PROLOG_FAILURE);
    assert.equal(serviceState(w, id), ServiceState.FAILED_DEPLOYING);
    assert.match(
      w.engine.service(id)?.DOCUMENT.TEMPLATE.BODY.log.find((l) => l.severity === "E")?.message ?? "",
      /vnf_0_\(service_\d+\) \(ID 0\) could not be created: no room for VM 0/,
    );
  });

  test("deployment none starts every role at once; a role of 0 VMs is RUNNING at once", async () => {
    // GIVEN a template without straight deployment, one role empty
    const w = world();
    const t = w.engine.createTemplate({
      name: "flat",
      roles: [
        { name: "a", type: "vm", template_id: 0, cardinality: 1 },
        { name: "b", type: "vm", template_id: 0, cardinality: 1, parents: ["a"] },
        { name: "c", type: "vm", template_id: 0 },
      ],
    });
    // WHEN it is instantiated
    const id = Number(w.engine.instantiate(Number(t.DOCUMENT.ID)).DOCUMENT.ID);
    await w.engine.idle();

    // THEN parents are ignored and, without the gate, RUNNING VMs suffice
    assert.equal(roleState(w, id, "c"), RoleState.RUNNING);
    assert.equal(serviceState(w, id), ServiceState.RUNNING);
    assert.deepEqual(
      w.driver.created.map((s) => s.name),
      [`a_0_(service_${id})`, `b_0_(service_${id})`],
    );
  });

  test("a VM of an already RUNNING role that fails mid-deploy is logged, and WARNING follows RUNNING", async () => {
    // GIVEN masters deploying, the VNFs RUNNING
    const w = world();
    const id = await instantiateOnekube(w);
    await reportReady(w, id, "vnf");
    const [vnf] = vmsOf(w, id, "vnf");
    assert.ok(vnf);

    // WHEN a VNF's agent exits
    w.driver.exit(vnf.id, 137, "", "SIGKILL");
    await w.engine.idle();

    // THEN the deploy carries on (upstream's watchdog watches only running services), with the error logged
    assert.equal(serviceState(w, id), ServiceState.DEPLOYING);
    assert.equal(roleState(w, id, "vnf"), RoleState.RUNNING);
    assert.match(lastLog(w, id)?.message ?? "", /vnf_0_.*exit status 137/);
    for (const role of ["master", "worker", "storage"]) await reportReady(w, id, role);
    assert.equal(roleState(w, id, "vnf"), RoleState.WARNING);
    assert.equal(serviceState(w, id), ServiceState.WARNING);
    assert.deepEqual(
      w.engine
        .service(id)
        ?.DOCUMENT.TEMPLATE.BODY.log.slice(-2)
        .map((l) => l.message),
      ["New state: RUNNING", "New state: WARNING"],
    );
  });
});
