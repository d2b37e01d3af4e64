import { lstatSync, mkdirSync, readlinkSync, symlinkSync } from "node:fs";
import { dirname } from "node:path";
import { ADMIN_CONF } from "../../node/paths.js";
import type { Phase } from "../runner.js";
import type { AgentContext } from "../state.js";

/** Where kubectl looks by default for root (~/.kube/config). */
export const ROOT_KUBECONFIG = "/root/.kube/config";

/**
 * `kubectl get nodes` as root on a master, as the reference's Quick Start runs it over SSH:
 * root's kubeconfig becomes a link to kubeadm's admin.conf. Only where there is none, or our
 * link already: a file of the user's is never replaced.
 */
export function linkKubeconfig(link: string, target: string): "changed" | "unchanged" | "theirs" {
  try {
    const stat = lstatSync(link);
    return stat.isSymbolicLink() && readlinkSync(link) === target ? "unchanged" : "theirs";
  } catch {
    mkdirSync(dirname(link), { recursive: true, mode: 0o700 });
    symlinkSync(target, link);
    return "changed";
  }
}

export const kubeconfigLink: Phase<AgentContext> = {
  name: "kubeconfig-link",
  title: "link root's ~/.kube/config to /etc/kubernetes/admin.conf (kubectl on a master)",
  shouldRun: (ctx) => ctx.k8s?.controlPlane === true,
  async run(ctx) {
    const done = linkKubeconfig(ROOT_KUBECONFIG, ADMIN_CONF);
    if (done !== "theirs") return done;
    ctx.log(`[kubeconfig-link] ${ROOT_KUBECONFIG} exists and is not a link to ${ADMIN_CONF}: left alone`);
    return "unchanged";
  },
};
