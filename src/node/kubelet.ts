/**
 * kubelet as kubeadm's systemd unit runs it (10-kubeadm.conf): the bootstrap and node
 * kubeconfigs, the configuration kubeadm writes, and the flags of kubeadm-flags.env. No systemd
 * restarts it when kubeadm asks, so the wrapper waits until kubeadm has written both files, as a
 * unit restarted in a loop would, and the agent's supervisor keeps it up after that.
 */
import { stopStale } from "../host/stale.js";
import type { Supervisor } from "../host/supervisor.js";
import { KUBELET_CONF, KUBELET_CONFIG, KUBELET_FLAGS, NODE_LOGS, NODE_RUN } from "./paths.js";

const WRAPPER = `while [ ! -s ${KUBELET_CONFIG} ] || [ ! -s ${KUBELET_FLAGS} ]; do sleep 0.5; done
sleep 0.5
. ${KUBELET_FLAGS}
exec kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=${KUBELET_CONF} --config=${KUBELET_CONFIG} $KUBELET_KUBEADM_ARGS`;

export const KUBELET_ARGV = ["sh", "-c", WRAPPER] as const;

/** Starts kubelet (it waits for kubeadm's files by itself); a no-op when it runs. */
export async function startKubelet(supervisor: Supervisor): Promise<boolean> {
  if (supervisor.pid("kubelet") !== undefined) return false;
  const pidFile = `${NODE_RUN}/kubelet.pid`;
  await stopStale(pidFile, "kubelet", "sh");
  supervisor.start("kubelet", KUBELET_ARGV, { logFile: `${NODE_LOGS}/kubelet.log`, pidFile });
  return true;
}
