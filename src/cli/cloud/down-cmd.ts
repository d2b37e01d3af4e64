import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { cleanupService, isClean, listLeftovers } from "../../local/cleanup.js";
import { daemonAlive, rootOf } from "../../local/cloud-state.js";
import type { Io } from "../io.js";
import { findCloud, flowClient } from "./access.js";
import { watchService } from "./progress.js";

export function registerDown(program: Command, io: Io): void {
  program
    .command("down")
    .argument("<name>", "the local cloud")
    .description("undeploy the service and remove everything of the local cloud (also after a crash)")
    .action(async (name: string) => {
      const root = rootOf(io.env);
      let cloud: ReturnType<typeof findCloud> | undefined;
      try {
        cloud = findCloud(io, name);
      } catch {
        cloud = undefined;
      }
      if (cloud?.running) {
        const id = cloud.info.serviceId;
        if (id !== undefined) {
          // A clean undeploy (children first) when OneFlow accepts it; the sweep below covers the rest.
          await flowClient(cloud)
            .undeploy(id)
            .then(
              () =>
                watchService(
                  io,
                  root,
                  name,
                  id,
                  Date.now(),
                  (v) => v === undefined || /^FAILED_/.test(v.state),
                  {
                    daemon: cloud.info,
                    timeoutMs: 120_000,
                  },
                ).catch((e: unknown) =>
                  io.err(`onekube: ${e instanceof Error ? e.message : String(e)}; removing by force\n`),
                ),
              (e: unknown) =>
                io.err(
                  `onekube: undeploy refused (${e instanceof Error ? e.message : String(e)}); removing by force\n`,
                ),
            );
        }
        // Only the daemon itself is signalled: `running` compared its /proc start time, and it
        // may end on its own meanwhile (ESRCH is then no error).
        const signal = (sig: NodeJS.Signals) => {
          try {
            process.kill(cloud.info.pid, sig);
          } catch {}
        };
        signal("SIGTERM");
        for (let i = 0; i < 100 && daemonAlive(cloud.info); i++) await sleep(100);
        if (daemonAlive(cloud.info)) signal("SIGKILL");
      }
      await cleanupService(root, name);
      const left = await listLeftovers(root, name);
      if (!isClean(left))
        throw new UsageError(`could not remove everything of ${name}: ${JSON.stringify(left)}`);
      io.out(`onekube: ${name} is down; no namespace, link, loop device, mount or process of it remains\n`);
    });
}
