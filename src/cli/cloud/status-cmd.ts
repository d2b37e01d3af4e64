import type { Command } from "commander";
import { readSnapshot, rootOf } from "../../local/cloud-state.js";
import { serviceViews } from "../../local/status.js";
import { type Io, printJson } from "../io.js";
import { cloudNames, findCloud, serviceView } from "./access.js";
import { formatStatus } from "./render-status.js";

export function registerStatus(program: Command, io: Io): void {
  program
    .command("status")
    .argument("[name]", "the local cloud (default: the only one)")
    .description("roles, VMs, states, IPs, readiness and the last error of a local cloud")
    .option("--json", "print JSON")
    .action((name: string | undefined, opts: { json?: boolean }) => {
      if (name === undefined && cloudNames(rootOf(io.env)).length === 0) {
        if (opts.json) return printJson(io, []);
        return io.out("no local cloud is up (onekube up)\n");
      }
      const cloud = findCloud(io, name);
      const view = serviceView(cloud);
      if (opts.json) {
        const { oneflow: _secret, ...info } = cloud.info;
        const snapshot = readSnapshot(cloud.root, cloud.name);
        return printJson(io, {
          cloud: { ...info, daemon: cloud.running ? "running" : "gone" },
          service: view ?? null,
          services: snapshot ? serviceViews(snapshot) : [],
        });
      }
      io.out(
        `local cloud ${cloud.name}: daemon ${cloud.running ? `running (pid ${cloud.info.pid})` : "NOT running"}, network ${cloud.info.network.cidr}\n`,
      );
      io.out(view ? formatStatus(view) : "no service deployed\n");
    });
}
