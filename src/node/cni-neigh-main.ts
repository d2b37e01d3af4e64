/**
 * The `onekube-neigh` CNI plugin's program (src/node/cni-neigh.ts decides what it does): the
 * container runtime starts it for every pod's network ADD and DEL, so it loads nothing but Node's
 * own modules. CNI's environment and configuration in, the result or a CNI error on stdout.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { NEIGH_PLUGIN, type NeighConfig, neighActions, neighOutput } from "./cni-neigh.js";

try {
  const call = {
    command: process.env.CNI_COMMAND ?? "",
    netns: process.env.CNI_NETNS,
    ifName: process.env.CNI_IFNAME,
    config: JSON.parse(readFileSync(0, "utf8") || "{}") as NeighConfig,
  };
  const out = neighOutput(call);
  // Each may fail harmlessly: the entry may not exist; the announcement is a courtesy.
  for (const [file, ...args] of neighActions(call))
    spawnSync(file as string, args, { stdio: "ignore", timeout: 5000 });
  if (out) process.stdout.write(`${out}\n`);
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ cniVersion: "1.0.0", code: 999, msg: `${NEIGH_PLUGIN}: ${String(error)}` })}\n`,
  );
  process.exitCode = 1;
}
