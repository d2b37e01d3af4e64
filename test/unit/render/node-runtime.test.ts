import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { BRIDGE_CONFLIST, peerRoutes, renderBridgeConflist } from "../../../src/render/cni-bridge.js";
import { CONTAINERD_SOCKET, renderContainerdConfig } from "../../../src/render/containerd.js";
import { renderKubeletPatch } from "../../../src/render/kubeadm.js";

type Table = Record<string, unknown>;
const at = (t: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v as Table | undefined)?.[k], t);

describe("renderContainerdConfig", () => {
  const base = {
    sandboxImage: "registry.k8s.io/pause:3.10.2",
    restrictOomScoreAdj: true,
    systemdCgroup: false,
    cniBinDirs: ["/usr/lib/cni"],
  };

  it("is containerd 2.x configuration (version 3) with the CRI settings a node needs", () => {
    const file = renderContainerdConfig({ ...base, runcPath: "/opt/runc" });
    const toml = parseToml(file.content);
    assert.equal(toml.version, 3);
    assert.equal(at(toml, "grpc", "address"), CONTAINERD_SOCKET);
    const cri = "io.containerd.cri.v1.runtime";
    assert.equal(
      at(toml, "plugins", "io.containerd.cri.v1.images", "pinned_images", "sandbox"),
      base.sandboxImage,
    );
    assert.equal(at(toml, "plugins", cri, "restrict_oom_score_adj"), true);
    const runc = at(toml, "plugins", cri, "containerd", "runtimes", "runc", "options");
    assert.deepEqual({ ...(runc as Table) }, { SystemdCgroup: false, BinaryName: "/opt/runc" });
    assert.deepEqual(at(toml, "plugins", cri, "cni", "bin_dirs"), ["/usr/lib/cni"]);
    assert.equal(at(toml, "plugins", "io.containerd.nri.v1.nri", "disable"), true);
  });

  it("leaves runc to the runtime's default when no path is given, and follows the cgroup driver", () => {
    const toml = parseToml(
      renderContainerdConfig({ ...base, systemdCgroup: true, restrictOomScoreAdj: false }).content,
    );
    const options = at(
      toml,
      "plugins",
      "io.containerd.cri.v1.runtime",
      "containerd",
      "runtimes",
      "runc",
      "options",
    );
    assert.deepEqual({ ...(options as Table) }, { SystemdCgroup: true });
    assert.equal(at(toml, "plugins", "io.containerd.cri.v1.runtime", "restrict_oom_score_adj"), false);
  });
});

describe("renderBridgeConflist", () => {
  it("gives the node's pod CIDR to host-local on a bridge, unmasqueraded, hairpin on", () => {
    const file = renderBridgeConflist("10.244.3.0/24");
    assert.equal(file.path, BRIDGE_CONFLIST);
    const conf = JSON.parse(file.content) as { plugins: Table[] };
    const [bridge, neigh, portmap] = conf.plugins;
    assert.equal(bridge?.type, "bridge");
    assert.equal(bridge?.ipMasq, false);
    assert.equal(bridge?.hairpinMode, true);
    assert.deepEqual(at(bridge, "ipam", "ranges"), [[{ subnet: "10.244.3.0/24" }]]);
    // onekube's plugin right after the bridge: a reused address is reached at its new MAC at once
    assert.deepEqual(neigh, { type: "onekube-neigh", bridge: "cni0" });
    assert.equal(portmap?.type, "portmap");
    // kubelet takes the first configuration in name order: ours before Canal's.
    assert.ok(BRIDGE_CONFLIST < "10-canal.conflist");
  });

  it("routes to every other node's pods, never to its own, skipping nodes without a CIDR", () => {
    const routes = peerRoutes("10.0.0.1", [
      { address: "10.0.0.2", podCidr: "10.244.2.0/24" },
      { address: "10.0.0.1", podCidr: "10.244.0.0/24" },
      { address: "10.0.0.3", podCidr: "10.244.1.0/24" },
      { address: "10.0.0.4", podCidr: "" },
    ]);
    assert.deepEqual(routes, [
      { address: "10.0.0.3", podCidr: "10.244.1.0/24" },
      { address: "10.0.0.2", podCidr: "10.244.2.0/24" },
    ]);
  });
});

describe("renderKubeletPatch", () => {
  it("carries the per-node settings: cgroup root, driver, and the cgroup v1 allowance", () => {
    const patch = parseYaml(
      renderKubeletPatch({ cgroupRoot: "/onekube/vm-3", cgroupDriver: "cgroupfs", cgroupV1: true }).content,
    ) as Table;
    assert.equal(patch.kind, "KubeletConfiguration");
    assert.equal(patch.cgroupRoot, "/onekube/vm-3");
    assert.equal(patch.cgroupDriver, "cgroupfs");
    assert.equal(patch.failCgroupV1, false);
  });

  it("on a cgroup v2 VM with systemd says nothing but the driver", () => {
    const file = renderKubeletPatch({ cgroupDriver: "systemd", cgroupV1: false });
    assert.equal(file.path, "kubeletconfiguration+strategic.yaml");
    assert.deepEqual(parseYaml(file.content), {
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      cgroupDriver: "systemd",
    });
  });
});
