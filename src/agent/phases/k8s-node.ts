import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeIfChanged } from "../../host/files.js";
import { ensureCgroupRoot } from "../../node/cgroups.js";
import { hostsForNode } from "../../node/hosts.js";
import { startKubelet } from "../../node/kubelet.js";
import { PATCHES_DIR } from "../../node/paths.js";
import { probeHost } from "../../node/platform.js";
import { importArchives, requireNodePrograms, startContainerd } from "../../node/runtime.js";
import type { RegistryHost } from "../../params/types.js";
import { renderKubeletPatch } from "../../render/kubeadm.js";
import { MIRRORED_REGISTRIES, mirrorHostsPath, renderMirrorHosts } from "../../render/registry.js";
import { cgroupDriver, exec, isKubernetesNode, nodeOf } from "../k8s/cluster.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

/** Packets between pods and nodes pass through this node: forwarding on (per network namespace). */
function enableForwarding(): boolean {
  const file = "/proc/sys/net/ipv4/ip_forward";
  if (readFileSync(file, "utf8").trim() === "1") return false;
  writeFileSync(file, "1");
  return true;
}

/**
 * containerd's hosts.toml per upstream registry pointing at ONEAPP_K8S_REGISTRY_MIRROR; without
 * a mirror, ours are removed (containerd then pulls from the upstream registries).
 */
async function writeMirrorHosts(mirror: RegistryHost | undefined): Promise<boolean> {
  let changed = false;
  if (mirror) {
    for (const file of renderMirrorHosts({ mirror: mirror.host, scheme: mirror.scheme }))
      changed = (await writeIfChanged(join("/etc", file.path), file.content, file.mode)) || changed;
    return changed;
  }
  for (const upstream of MIRRORED_REGISTRIES) {
    const path = join("/etc", mirrorHostsPath(upstream));
    if (!existsSync(path)) continue;
    rmSync(path);
    changed = true;
  }
  return changed;
}

/** containerd, the images a node without a registry needs, and kubelet waiting for kubeadm. */
export const nodeRuntime: Phase<AgentContext> = {
  name: "node-runtime",
  title:
    "start containerd (pulling through the registry mirror, if any) and kubelet (and import images where no registry is reachable)",
  shouldRun: isKubernetesNode,
  async run(ctx) {
    const platform = need(ctx.platform, "the platform");
    requireNodePrograms();
    const facts = probeHost();
    ctx.facts = facts;
    ctx.log(
      `[node-runtime] cgroup ${facts.cgroupV1 ? "v1" : "v2"}, systemd ${facts.systemd}, conntrack writable ${facts.conntrackWritable}, can lower oom_score_adj ${facts.canLowerOomScore}`,
    );
    let changed = enableForwarding();
    const node = nodeOf(ctx);
    const hosts = existsSync("/etc/hosts") ? readFileSync("/etc/hosts", "utf8") : undefined;
    try {
      changed = (await writeIfChanged("/etc/hosts", hostsForNode(hosts, node.name, node.address))) || changed;
    } catch (error) {
      // A host's bind-mounted /etc/hosts (a container's) cannot be replaced: slower, not wrong.
      ctx.log(
        `[node-runtime] /etc/hosts left as it is (${error instanceof Error ? error.message : String(error)}): the node name is looked up in DNS`,
      );
    }
    if (platform.cgroupRoot) changed = ensureCgroupRoot(platform.cgroupRoot) || changed;
    const driver = cgroupDriver(platform, facts);
    const patch = renderKubeletPatch({
      cgroupDriver: driver,
      cgroupV1: facts.cgroupV1,
      ...(platform.cgroupRoot ? { cgroupRoot: platform.cgroupRoot } : {}),
    });
    changed = (await writeIfChanged(join(PATCHES_DIR, patch.path), patch.content, patch.mode)) || changed;
    const mirror = need(ctx.config, "the parameters").registryMirror;
    if (mirror)
      ctx.log(
        `[node-runtime] every image from ${mirror.scheme}://${mirror.host} (ONEAPP_K8S_REGISTRY_MIRROR)`,
      );
    changed = (await writeMirrorHosts(mirror)) || changed;
    changed =
      (await startContainerd({
        exec,
        supervisor: ctx.supervisor,
        log: ctx.log,
        restrictOomScoreAdj: !facts.canLowerOomScore,
        systemdCgroup: driver === "systemd",
      })) || changed;
    if (platform.imageArchives) {
      const imported = await importArchives(exec, platform.imageArchives, ctx.log);
      changed = imported.length > 0 || changed;
    }
    changed = (await startKubelet(ctx.supervisor)) || changed;
    return changed ? "changed" : "unchanged";
  },
};
