import { setTimeout as sleep } from "node:timers/promises";
import { attribute } from "../../onegate/client-values.js";
import { vrrpState } from "../phases/vnf.js";
import { type AgentContext, need } from "../state.js";
import { converge } from "./converge.js";
import { discoverPeers } from "./discover.js";

/** The service's vnf and master node ids, cheap to read every second from GET /service. */
async function membership(ctx: AgentContext): Promise<{ key: string; count: number }> {
  const roles = (await ctx.onegate.service()).roles.filter((r) => r.name === "vnf" || r.name === "master");
  return {
    key: roles.map((r) => `${r.name}:${r.nodes.map((n) => n.deployId).join(",")}`).join(" "),
    count: roles.reduce((n, r) => n + r.nodes.length, 0),
  };
}

/**
 * The vnf's life after READY: follow the masters (every ONEAPP_VNF_LB_REFRESH_RATE seconds,
 * and at once when the roles' membership changes) and tell OneGate about VRRP transitions.
 */
export async function vnfLoop(ctx: AgentContext, stop: AbortSignal): Promise<void> {
  const setup = need(ctx.vnf, "the vnf plan");
  const refreshMs = setup.config.vnf.lbRefreshRate * 1000;
  let lastRefresh = Date.now();
  // A VM is listed before its address is known: until every node had one, look again each second.
  let lastMembers = "";
  // What OneGate was last told, not what the state file says now: keepalived may have moved on
  // (BACKUP -> MASTER) between the READY phase and this loop, and OneGate must hear of it.
  let lastState = await ctx.onegate
    .vm()
    .then((self) => attribute(self, "ONEKUBE_VRRP_STATE"))
    .catch(() => undefined);
  while (!stop.aborted) {
    await sleep(1000, undefined, { signal: stop }).catch(() => {});
    if (stop.aborted) break;
    try {
      const state = vrrpState();
      if (state !== lastState && state !== undefined) {
        ctx.log(`[vnf] VRRP state ${lastState ?? "none"} -> ${state}`);
        await ctx.onegate.update({ ONEKUBE_VRRP_STATE: state });
        lastState = state;
      }
      const members = await membership(ctx);
      if (members.key !== lastMembers || Date.now() - lastRefresh >= refreshMs) {
        const peers = await discoverPeers(ctx.onegate);
        await converge(setup, peers, ctx.supervisor, ctx.log);
        lastMembers = peers.vnfs.length + peers.masters.length === members.count ? members.key : "";
        lastRefresh = Date.now();
      }
    } catch (error) {
      // OneGate may be briefly unreachable; the endpoint keeps being served meanwhile.
      ctx.log(`[vnf] refresh failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
