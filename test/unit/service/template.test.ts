import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { catalogue, PARAM_NAMES } from "../../../src/params/catalogue.js";
import { serviceTemplate, userInput, userInputValues, vmTemplates } from "../../../src/service/template.js";
import {
  assertDeployOrder,
  assertEveryParameterDeclared,
  assertRoleRules,
  assertServiceTemplate,
} from "../../helpers/service-template.js";

describe("OneFlow service template", () => {
  const t = serviceTemplate();

  test("has the four roles in deploy order with the reference's parents and cardinalities", () => {
    assertDeployOrder(t);
  });

  test("keeps every role inside OneFlow's rules: \\w+ names, type vm, min <= cardinality <= max", () => {
    assertRoleRules(t);
  });

  test("passes the embedded OneFlow's validation, as `oneflow-template create` would", () => {
    assertServiceTemplate(t);
  });

  test("declares every parameter once, as a user input in OneFlow's M|type|description[|params|default] form", () => {
    assertEveryParameterDeclared(t);
    for (const name of PARAM_NAMES) {
      const fields = userInput(name).split("|");
      assert.ok(fields.length === 3 || fields.length === 5, name);
      assert.equal(fields[0], catalogue[name].mandatory ? "M" : "O");
      if (catalogue[name].default !== undefined) assert.equal(fields[4], catalogue[name].default);
    }
    assert.equal(
      userInput("ONEAPP_K8S_PORT"),
      "O|number|Kubernetes API port on which nodes communicate| |6443",
    );
  });

  test("instantiation values: one per declared input of the scope, defaults where nothing was given", () => {
    const service = userInputValues({ ONEAPP_VNF_LB0_IP: "10.0.0.2", ONEAPP_STORAGE_LABEL: "X" }, "service");
    assert.deepEqual(Object.keys(service).sort(), Object.keys(t.user_inputs).sort());
    assert.equal(service.ONEAPP_VNF_LB0_IP, "10.0.0.2");
    assert.equal(service.ONEAPP_K8S_PORT, "6443");
    assert.equal(service.ONEAPP_K8S_LOADBALANCER_RANGE, "");
    assert.equal(userInputValues({ ONEAPP_STORAGE_LABEL: "X" }, "storage").ONEAPP_STORAGE_LABEL, "X");
  });

  test("VM templates have the reference's minimum sizes and the storage disk", () => {
    const vms = vmTemplates();
    assert.deepEqual(
      [vms.vnf.MEMORY, vms.master.MEMORY, vms.worker.MEMORY, vms.storage.MEMORY],
      ["512", "3072", "3072", "3072"],
    );
    assert.deepEqual(
      [vms.vnf.VCPU, vms.master.VCPU, vms.worker.VCPU, vms.storage.VCPU],
      ["1", "2", "2", "2"],
    );
    assert.equal(vms.storage.DISK.length, 2);
    assert.equal(vms.worker.DISK.length, 1);
    for (const vm of Object.values(vms)) assert.equal(vm.CONTEXT.TOKEN, "YES");
    // The storage disk size may be chosen (the local cloud's sparse disks); other roles get none.
    const small = vmTemplates({ extraDiskMb: 1024 });
    assert.deepEqual(small.storage.DISK[1], { TYPE: "fs", FORMAT: "raw", SIZE: "1024", DEV_PREFIX: "vd" });
    assert.equal(small.worker.DISK.length, 1);
  });
});
