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

  test("root's .ssh and .kube are the VM's own, never all of /root (the repository may live there)", () => {
    assert.ok((PRIVATE_DIRS as readonly string[]).includes("/root/.ssh"));
    assert.ok((PRIVATE_DIRS as readonly string[]).includes("/root/.kube"));
    assert.ok(!(PRIVATE_DIRS as readonly string[]).includes("/root"));
    // AND the script contextualizes with the same onekube before sshd and the agent start
    const env = vmInitEnv({ vmDir: "/s", hostname: "h", contextMount: "/mnt/context" }, {});
    assert.equal(env.OKB_NODE, process.execPath);
    assert.match(env.OKB_ONEKUBE ?? "", /\/bin\/onekube\.js$/);
    assert.ok(VM_INIT_SCRIPT.indexOf("contextualize --source") < VM_INIT_SCRIPT.indexOf("/usr/sbin/sshd -f"));
    assert.ok(VM_INIT_SCRIPT.indexOf("/usr/sbin/sshd -f") < VM_INIT_SCRIPT.indexOf('"$@" 3>&- &'));
  });

  test("without a disk the script is told nothing about one", () => {
    const env = vmInitEnv({ vmDir: "/s", hostname: "h", contextMount: "/mnt/context" }, {});
    assert.equal(env.OKB_LOOP, undefined);
  });
});
