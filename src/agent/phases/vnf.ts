import { existsSync, readFileSync } from "node:fs";
import { execa } from "execa";
import { localNics } from "../../host/nics.js";
import { attribute } from "../../onegate/client-values.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";
import { converge } from "../vnf/converge.js";
import { discoverPeers } from "../vnf/discover.js";
import { VRRP_STATE_FILE } from "../vnf/paths.js";
import { hasIpvs, vnfSetup } from "../vnf/setup.js";

const isVnf = (ctx: AgentContext) => ctx.role === "vnf";

/** Checks the endpoint against the VM's network and picks LVS or HAProxy, before writing anything. */
export const vnfPlan: Phase<AgentContext> = {
  name: "vnf-plan",
  title: "check the endpoint against this VM's network; choose LVS or HAProxy",
  shouldRun: isVnf,
  async run(ctx) {
    ctx.vnf = vnfSetup(
      need(ctx.config, "the parameters"),
      ctx.vm.vars,
      need(ctx.address, "the address"),
      need(ctx.serviceId, "the service"),
      localNics(),
    );
    ctx.log(
      `[vnf-plan] load balancer: ${ctx.vnf.mode} (ONEAPP_VNF_LB_BACKEND=${ctx.vnf.config.vnf.lbBackend}, IP_VS ${hasIpvs() ? "present" : "absent"})`,
    );
    if (ctx.self && attribute(ctx.self, "ONEKUBE_VNF_LB") === ctx.vnf.mode) return "unchanged";
    await ctx.onegate.update({ ONEKUBE_VNF_LB: ctx.vnf.mode });
    return "changed";
  },
};

/** Renders keepalived (and HAProxy) for the masters OneGate knows now, and runs them. */
export const vnfConfigure: Phase<AgentContext> = {
  name: "vnf-configure",
  title: "render and run keepalived (VRRP + LVS) or keepalived + HAProxy",
  shouldRun: isVnf,
  async run(ctx) {
    const peers = await discoverPeers(ctx.onegate);
    return (await converge(need(ctx.vnf, "the vnf plan"), peers, ctx.supervisor, ctx.log))
      ? "changed"
      : "unchanged";
  },
};

export function vrrpState(): string | undefined {
  return existsSync(VRRP_STATE_FILE) ? readFileSync(VRRP_STATE_FILE, "utf8").trim() : undefined;
}

/** Whether some VNF answers for the endpoint (a BACKUP stands by only behind a MASTER). */
async function endpointHeld(address: string): Promise<boolean> {
  const r = await execa("ping", ["-c", "1", "-W", "1", address], { reject: false });
  return r.exitCode === 0;
}

/**
 * READY means the VNF serves the endpoint (MASTER) or stands by (BACKUP) behind a VNF that
 * does: both start as BACKUP, so a BACKUP alone would let the masters deploy with no endpoint.
 */
export const vnfWaitVrrp: Phase<AgentContext> = {
  name: "vnf-vrrp",
  title: "wait until keepalived is MASTER, or BACKUP while another VNF holds the endpoint",
  shouldRun: isVnf,
  async run(ctx) {
    const endpoint = need(ctx.vnf, "the vnf plan").config.endpoint.address;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = vrrpState();
      if (state === "MASTER" || (state === "BACKUP" && (await endpointHeld(endpoint)))) {
        ctx.log(`[vnf-vrrp] VRRP state ${state}`);
        await ctx.onegate.update({ ONEKUBE_VRRP_STATE: state });
        return "unchanged";
      }
      if (Date.now() > deadline)
        throw new Error(
          `keepalived reported no VRRP state within 30 s (state: ${state ?? "none"}); see the log above`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  },
};
