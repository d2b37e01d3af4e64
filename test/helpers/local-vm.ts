import type { VmSpec } from "../../src/local/driver.js";
import type { ServiceNetwork } from "../../src/local/network.js";

/** A worker VM of service 0, as the driver tests create them. */
export const workerSpec = (id: number, extra: Partial<VmSpec> = {}): VmSpec => ({
  id,
  name: `worker_${id}_(service_0)`,
  role: "worker",
  serviceId: 0,
  context: {},
  token: `token-${id}`,
  ...extra,
});

/** A service network as the local driver describes one. */
export const TEST_NETWORK: ServiceNetwork = {
  name: "service",
  cidr: { address: "172.16.100.0", prefix: 24 },
  bridge: "okb-1",
  gateway: "172.16.100.1",
  mask: "255.255.255.0",
  nftTable: "onekube_1",
};
