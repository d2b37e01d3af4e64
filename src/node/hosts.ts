/**
 * The node's own name in /etc/hosts. kubeadm's preflight looks the node name up (its `Hostname`
 * check) and kubelet does too; with no line for it the lookup goes to the resolver, which for a
 * name no DNS knows costs the resolver's whole timeout (10 s measured in a local VM, whose
 * resolv.conf names a server it cannot reach) on every join's critical path. The appliance's
 * contextualization writes a line for the hostname; when that name is the node name, nothing
 * more is needed, else the agent keeps a line of its own, tagged apart from contextualization's.
 */
import { hostsWith } from "../appliance/context/hostname.js";

export const NODE_HOSTS_TAG = "# onekube node";

/** `current` with the one line that makes `name` resolve to `ip`, unless another line already does. */
export function hostsForNode(current: string | undefined, name: string, ip: string): string {
  const others = (current ?? "")
    .split("\n")
    .filter((l) => !l.trimEnd().endsWith(NODE_HOSTS_TAG))
    .map((l) => l.replace(/#.*$/, "").trim().split(/\s+/));
  const known = others.some(([addr, ...names]) => addr && names.includes(name));
  return hostsWith(current, name, known ? undefined : ip, NODE_HOSTS_TAG);
}
