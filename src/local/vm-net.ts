/**
 * A VM's network: its own namespace, with eth0 (OpenNebula's MAC for its address) at the far
 * end of a veth pair whose host end is a port of the service bridge, and a default route via
 * the bridge's gateway address, as a static NIC on a virtual network would be configured.
 */
import type { Exec } from "../host/exec.js";
import type { VmNic } from "./driver.js";
import type { Ledger } from "./ledger.js";
import { macForIp, namespaceName, vethName } from "./names.js";
import type { ServiceNetwork } from "./network.js";

export async function createVmNetwork(
  exec: Exec,
  ledger: Ledger,
  net: ServiceNetwork,
  service: string,
  id: number,
  ip: string,
): Promise<VmNic> {
  const ns = namespaceName(service, id);
  const veth = vethName(service, id);
  const mac = macForIp(ip);
  const operation = `create the network of VM ${id}`;
  ledger.append({ kind: "netns", name: ns, vm: id });
  await exec.run("ip", ["netns", "add", ns], { operation });
  ledger.append({ kind: "link", name: veth, vm: id });
  await exec.run(
    "ip",
    ["link", "add", veth, "type", "veth", "peer", "name", "eth0", "address", mac, "netns", ns],
    { operation },
  );
  await exec.run("ip", ["link", "set", veth, "master", net.bridge, "up"], { operation });
  await exec.run("ip", ["-n", ns, "-batch", "-"], {
    operation,
    input: [
      "link set lo up",
      `addr add ${ip}/${net.cidr.prefix} dev eth0`,
      "link set eth0 up",
      `route add default via ${net.gateway} dev eth0`,
    ].join("\n"),
  });
  return { ip, mac, network: net.name, name: "_NIC0" };
}

/** Deletes the veth pair and the namespace; both may already be gone. */
export async function removeVmNetwork(exec: Exec, service: string, id: number): Promise<void> {
  await removeLinkAndNamespace(exec, vethName(service, id), namespaceName(service, id));
}

export async function removeLinkAndNamespace(exec: Exec, link: string | undefined, ns: string | undefined) {
  if (link !== undefined) await exec.run("ip", ["link", "del", link], { allowFailure: true });
  if (ns !== undefined) await exec.run("ip", ["netns", "del", ns], { allowFailure: true });
}
