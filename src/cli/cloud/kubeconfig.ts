import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { writeIfChanged } from "../../host/files.js";
import type { Io } from "../io.js";
import { findCloud, serviceView } from "./access.js";
import { adminKubeconfig } from "./cluster-summary.js";

export function registerKubeconfig(program: Command, io: Io): void {
  program
    .command("kubeconfig")
    .argument("<name>", "the local cloud")
    .description("write the cluster's admin kubeconfig (server: the control-plane endpoint), mode 0600")
    .option("-o, --output <file>", "where to write it; `-` prints it", "<name>.kubeconfig")
    .action(async (name: string, opts: { output: string }) => {
      const cloud = findCloud(io, name);
      const source = adminKubeconfig(cloud);
      if (!source) {
        const masters = serviceView(cloud)?.roles.find((r) => r.name === "master")?.vms ?? [];
        throw new UsageError(
          `no READY master of ${name} holds an admin kubeconfig yet (masters: ${masters.map((m) => `${m.id} ${m.ready ? "READY" : "not READY"}`).join(", ") || "none"}); see onekube status ${name}`,
        );
      }
      const content = readFileSync(source, "utf8");
      if (opts.output === "-") {
        io.out(content);
        return;
      }
      const file = resolve(opts.output.replace("<name>", name));
      await writeIfChanged(file, content, 0o600);
      io.err(`onekube: wrote ${file} (use: kubectl --kubeconfig ${file} get nodes)\n`);
    });
}
