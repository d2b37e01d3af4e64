import { identify } from "./phases/identify.js";
import { addonsPhase } from "./phases/k8s-addons.js";
import { nodeHealth } from "./phases/k8s-health.js";
import { kubeadmInitPhase } from "./phases/k8s-init.js";
import { kubeadmJoinPhase } from "./phases/k8s-join.js";
import { kubeconfigLink } from "./phases/k8s-kubeconfig.js";
import { podNetwork } from "./phases/k8s-network.js";
import { nodeRuntime } from "./phases/k8s-node.js";
import { k8sPlan } from "./phases/k8s-plan.js";
import { publishFacts } from "./phases/publish-facts.js";
import { reportReady } from "./phases/report-ready.js";
import { storageDisk } from "./phases/storage-disk.js";
import { validateParams } from "./phases/validate-params.js";
import { vnfConfigure, vnfPlan, vnfWaitVrrp } from "./phases/vnf.js";
import { vnfFunctions } from "./phases/vnf-functions.js";
import type { Phase } from "./runner.js";
import type { AgentContext } from "./state.js";

/**
 * The agent's phases, in order. Every role runs the same list; a phase that does not concern
 * a role says so through `shouldRun`. Role work (keepalived, kubeadm, disks) lands here as
 * phases between validate-params and report-ready.
 */
export const PHASES: readonly Phase<AgentContext>[] = [
  identify,
  validateParams,
  vnfPlan,
  vnfConfigure,
  vnfWaitVrrp,
  vnfFunctions,
  publishFacts,
  storageDisk,
  nodeRuntime,
  k8sPlan,
  kubeadmInitPhase,
  kubeadmJoinPhase,
  kubeconfigLink,
  podNetwork,
  addonsPhase,
  nodeHealth,
  reportReady,
];
