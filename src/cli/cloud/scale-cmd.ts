import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { CloudError, UsageError } from "../../errors.js";
import type { ServiceView } from "../../local/status.js";
import type { Io } from "../io.js";
import { parseIntOption } from "../options.js";
import { findCloud, flowClient, serviceView } from "./access.js";
import { watchService } from "./progress.js";

/**
 * OneFlow refuses a scale while the service rests after the last one (COOLDOWN, as upstream):
 * wait it out instead of failing, saying so once.
 */
async function waitOutCooldown(io: Io, cloud: ReturnType<typeof findCloud>): Promise<void> {
  let said = false;
  const deadline = Date.now() + 60 * 60_000;
  while (serviceView(cloud)?.state === "COOLDOWN" && Date.now() < deadline) {
    if (!said) io.out(`onekube: ${cloud.name} is in COOLDOWN after its last scale; waiting for it to end\n`);
    said = true;
    await sleep(500);
  }
}

export function registerScale(program: Command, io: Io): void {
  program
    .command("scale")
    .argument("<name>", "the local cloud")
    .argument("<role>", "vnf, master, worker or storage")
    .argument("<count>", "the role's new number of VMs")
    .description("scale a role up or down and wait until it settles")
    .option("--force", "ignore the role's min/max VMs (as oneflow scale --force)")
    .option("--no-wait", "return once OneFlow accepted the request")
    .action(
      async (name: string, role: string, countText: string, opts: { force?: boolean; wait: boolean }) => {
        const cloud = findCloud(io, name);
        const id = cloud.info.serviceId;
        if (id === undefined) throw new UsageError(`${name} has no service deployed`);
        const count = parseIntOption("<count>", countText, 0, 1000);
        await waitOutCooldown(io, cloud);
        const started = Date.now();
        await flowClient(cloud)
          .scale(id, role, count, opts.force ?? false)
          .catch((error: unknown) => {
            // OneFlow's refusal names the minimum; for the masters, say why it is there.
            if (role === "master" && error instanceof Error && /Minimum cardinality/.test(error.message))
              throw new UsageError(
                `${error.message}: the masters' etcd needs 3 members to keep quorum when one fails, so the master role never goes below 3 (--force overrides, at that risk)`,
              );
            throw error;
          });
        io.out(`onekube: scaling ${role} of ${name} to ${count}\n`);
        if (!opts.wait) return;
        // Settled once the role's history shows this scale (SCALING after `started`) ending.
        const settled = (v: ServiceView | undefined) => {
          const history = v?.roles.find((r) => r.name === role)?.history ?? [];
          const scaling = history.findLastIndex((t) => t.state === "SCALING" && t.at >= started - 1000);
          return (
            scaling >= 0 &&
            history.slice(scaling + 1).some((t) => /^(COOLDOWN|RUNNING|FAILED_SCALING)$/.test(t.state))
          );
        };
        const view = await watchService(io, cloud.root, name, id, started, settled, {
          daemon: cloud.info,
          timeoutMs: 30 * 60_000,
        });
        const state = view?.roles.find((r) => r.name === role)?.state;
        if (state === "FAILED_SCALING")
          throw new CloudError(
            "scale",
            `local cloud ${name}`,
            undefined,
            `scaling ${role} failed: onekube status ${name}`,
          );
        io.out(
          `onekube: ${role} is ${state} with ${view?.roles.find((r) => r.name === role)?.vms.length} VMs\n`,
        );
      },
    );
}
