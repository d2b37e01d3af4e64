import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { hostExec } from "../../host/exec.js";
import { writeIfChanged } from "../../host/files.js";
import { localNics, nicFor } from "../../host/nics.js";
import { isIpv4 } from "../../params/ipv4.js";
import { renderDns } from "../../render/vnf-dns.js";
import { renderNat4 } from "../../render/vnf-nat4.js";
import { renderRouter4 } from "../../render/vnf-router4.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";
import { checkUnboundConfig, unboundCommand } from "../vnf/dns.js";
import { applyNat4, applyRouter4, removeNat4 } from "../vnf/functions.js";
import { VNF_DIR } from "../vnf/paths.js";

/** The VM's NICs as the context names them (ETH0_* → the interface with ETH0_MAC, ...). */
function nics(vars: Readonly<Record<string, string>>): string[] {
  const local = localNics();
  return Object.keys(vars)
    .flatMap((k) => /^ETH(\d+)_IP$/.exec(k)?.[1] ?? [])
    .map((n) => nicFor(vars, Number(n), local))
    .sort();
}

/**
 * DNS, NAT4 and ROUTER4 of the reference's VNF: off by default, each idempotent. A disabled NAT4
 * is removed; forwarding is left as it is when ROUTER4 is off (LVS NAT relies on it).
 */
export const vnfFunctions: Phase<AgentContext> = {
  name: "vnf-functions",
  title: "apply the optional VNF functions: DNS, NAT4, ROUTER4",
  shouldRun: (ctx) => ctx.role === "vnf",
  async run(ctx) {
    const { vnf } = need(ctx.config, "the parameters");
    const all = nics(ctx.vm.vars);
    const outcomes: string[] = [];
    if (vnf.router4.enabled)
      outcomes.push(
        await applyRouter4(hostExec, renderRouter4({ interfaces: [...vnf.router4.interfaces], nics: all })),
      );
    outcomes.push(
      vnf.nat4.enabled
        ? await applyNat4(hostExec, renderNat4({ interfacesOut: [...vnf.nat4.interfacesOut], nics: all }))
        : await removeNat4(hostExec),
    );
    if (vnf.dns.enabled) {
      const dir = join(VNF_DIR, "unbound");
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const address = need(ctx.address, "the address");
      const conf = renderDns({
        listen: vnf.dns.interfaces.map((nic) => ({
          nic,
          address: ctx.vm.vars[`ETH${nic.replace(/^eth/, "")}_IP`] ?? address,
        })),
        allowedNetworks: [need(ctx.vnf, "the vnf plan").network],
        maxCacheTtl: vnf.dns.maxCacheTtl,
        useRootServers: vnf.dns.useRootServers,
        // Only IPv4 forwarders other than this VM (a loop otherwise); names and IPv6 are skipped.
        forwarders: (ctx.vm.vars.ETH0_DNS ?? "").split(/[\s,]+/).filter((s) => isIpv4(s) && s !== address),
        directory: dir,
      });
      const file = join(VNF_DIR, "unbound.conf");
      const changed = await writeIfChanged(file, conf.content, 0o644, (candidate) =>
        checkUnboundConfig(hostExec, candidate),
      );
      const cmd = unboundCommand(file);
      if (changed) ctx.supervisor.stop("unbound");
      ctx.supervisor.start("unbound", [cmd.file, ...cmd.args]);
      outcomes.push(changed ? "changed" : "unchanged");
    }
    return outcomes.includes("changed") ? "changed" : "unchanged";
  },
};
