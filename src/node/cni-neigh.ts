/**
 * `onekube-neigh`, a CNI plugin chained after `bridge`: a pod address handed out again must be
 * reached at the new pod's MAC at once. Without it the node, and every pod on the bridge that
 * talked to the old pod, keep a neighbour entry with the old MAC (REACHABLE, then re-checked by
 * unicast probes to that dead MAC) for seconds to tens of seconds: kubelet's probes and DNS answers
 * to the new pod are lost meanwhile (issue 16). The bridge plugin does ask the pod to announce
 * itself (arp_notify) as it sets the pod's interface up, but that announcement leaves before the
 * bridge port forwards, and is dropped there.
 *
 * ADD (after bridge, its port forwarding): the node forgets what it knew of the pod's addresses
 * (`ip neigh del`), and the pod announces them with gratuitous ARP from its namespace (`arping
 * -U`), which every pod on the bridge hears. DEL: the node forgets the departing pod's addresses.
 * CHECK passes. The ADD result is the previous plugin's, unchanged.
 */
import { NEIGH_PLUGIN } from "../render/cni-bridge.js";

export { NEIGH_PLUGIN };
export const CNI_VERSIONS = ["0.4.0", "1.0.0", "1.1.0"] as const;

export interface NeighConfig {
  readonly cniVersion?: string;
  readonly name?: string;
  /** The bridge the pods are on (the bridge plugin's `bridge`); default cni0. */
  readonly bridge?: string;
  readonly prevResult?: { readonly ips?: readonly { readonly address?: string }[] } & Record<string, unknown>;
}

export interface CniCall {
  readonly command: string;
  readonly netns?: string | undefined;
  readonly ifName?: string | undefined;
  readonly config: NeighConfig;
}

/** The IPv4 addresses of the previous result, without their prefix. */
export function resultAddresses(config: NeighConfig): string[] {
  return (config.prevResult?.ips ?? [])
    .map((ip) => ip.address?.split("/")[0] ?? "")
    .filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
}

/** The commands a call runs, in order (each allowed to fail: an entry may not exist). */
export function neighActions(call: CniCall): string[][] {
  const bridge = call.config.bridge ?? "cni0";
  const addresses = resultAddresses(call.config);
  const forget = addresses.map((a) => ["ip", "neigh", "del", a, "dev", bridge]);
  if (call.command === "DEL") return forget;
  if (call.command !== "ADD" || !call.netns || !call.ifName) return [];
  // arping waits a second for answers a gratuitous ARP never gets: it runs on in the background
  // (its output closed), so that the pod's start waits for none of it.
  const announce = addresses.map((a) => [
    "sh",
    "-c",
    'nsenter --net="$1" -- arping -U -c 2 -w 1 -I "$2" "$3" >/dev/null 2>&1 &',
    "onekube-neigh",
    call.netns as string,
    call.ifName as string,
    a,
  ]);
  return [...forget, ...announce];
}

/** What the plugin prints: the result passed on, a version answer, or nothing. */
export function neighOutput(call: CniCall): string {
  if (call.command === "VERSION")
    return JSON.stringify({ cniVersion: call.config.cniVersion ?? "1.0.0", supportedVersions: CNI_VERSIONS });
  if (call.command === "ADD") {
    if (!call.config.prevResult)
      throw new Error(`${NEIGH_PLUGIN} must follow a plugin that returns a result`);
    return JSON.stringify({ ...call.config.prevResult, cniVersion: call.config.cniVersion ?? "1.0.0" });
  }
  return "";
}
