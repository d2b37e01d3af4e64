/** What every Kubernetes phase derives from the parameters and this machine, the same way. */
import { hostExec } from "../../host/exec.js";
import { PATCHES_DIR } from "../../node/paths.js";
import type { HostFacts, NodePlatform } from "../../node/platform.js";
import { CONTAINERD_SOCKET } from "../../render/containerd.js";
import type { KubeadmCluster, KubeadmNode } from "../../render/kubeadm.js";
import { nodeName } from "../../render/names.js";
import { kubeadmCluster } from "../../render/role.js";
import { type AgentContext, need } from "../state.js";

export const exec = hostExec;

export function cgroupDriver(platform: NodePlatform, facts: HostFacts): "systemd" | "cgroupfs" {
  // systemd manages only its own tree: a cgroup root of our choosing means cgroupfs.
  return facts.systemd && !platform.cgroupRoot ? "systemd" : "cgroupfs";
}

export function clusterOf(ctx: AgentContext): KubeadmCluster {
  const platform = need(ctx.platform, "the platform");
  const facts = need(ctx.facts, "the host facts");
  return {
    ...kubeadmCluster(need(ctx.config, "the parameters")),
    cgroupDriver: cgroupDriver(platform, facts),
    conntrackWritable: facts.conntrackWritable,
  };
}

export function nodeOf(ctx: AgentContext): KubeadmNode {
  const address = need(ctx.address, "the address");
  return {
    name: nodeName(address),
    address,
    criSocket: `unix://${CONTAINERD_SOCKET}`,
    patchesDir: PATCHES_DIR,
  };
}

export const isKubernetesNode = (ctx: AgentContext): boolean =>
  ctx.role !== "vnf" && ctx.platform?.kubernetes === true;
