/** Node and host name of a VM, as the 1.23 appliance named them: `onekube-ip-172-16-100-4`. */
export function nodeName(address: string): string {
  return `onekube-ip-${address.replaceAll(".", "-")}`;
}
