import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PRIVATE_DIRS, VM_INIT_SCRIPT, vmInitArgv, vmInitEnv } from "../../../src/local/vm-init.js";

describe("the VM init step", () => {
  test("gives each VM its own copy of every path kubeadm, kubelet and containerd fix", () => {
    for (const p of [
      "/etc/kubernetes",
      "/var/lib/kubelet",
      "/var/lib/etcd",
      "/run/netns",
      "/etc/cni/net.d",
    ]) {
      assert.ok((PRIVATE_DIRS as readonly string[]).includes(p), p);
    }
  });

  test("takes its values from the environment, never from its text", () => {
    const env = vmInitEnv(
      {
        vmDir: "/state/vm 1",
        hostname: "h",
        contextMount: "/mnt/context",
        disk: { loopDevice: "/dev/loop3", path: "/dev/vdb" },
      },
      { ONEKUBE_LOCAL_VM: "1-1" },
    );
    assert.equal(env.OKB_VM_DIR, "/state/vm 1");
    assert.equal(env.OKB_LOOP, "/dev/loop3");
    assert.equal(env.ONEKUBE_LOCAL_VM, "1-1");
    assert.doesNotMatch(VM_INIT_SCRIPT, /\/state/);
    // AND the agent's argv follows the script untouched
    const argv = vmInitArgv("onekube-1-1", ["node", "agent.js", "--x"]);
    assert.deepEqual(argv.slice(0, 2), ["nsenter", "--net=/run/netns/onekube-1-1"]);
    assert.deepEqual(argv.slice(-3), ["node", "agent.js", "--x"]);
  });

  test("without a disk the script is told nothing about one", () => {
    const env = vmInitEnv({ vmDir: "/s", hostname: "h", contextMount: "/mnt/context" }, {});
    assert.equal(env.OKB_LOOP, undefined);
  });
});
