import { attribute } from "../../onegate/client-values.js";
import { FAILURE_KEYS } from "../failure-keys.js";
import type { Phase } from "../runner.js";
import type { AgentContext } from "../state.js";

/** READY=YES is OneFlow's gate: it means this VM's role work is done, nothing less. */
export const reportReady: Phase<AgentContext> = {
  name: "report-ready",
  title: "report READY=YES to OneGate",
  async run(ctx) {
    const current = await ctx.onegate.vm();
    // A failure an earlier run published is over now that every phase passed.
    for (const key of Object.values(FAILURE_KEYS)) {
      if (attribute(current, key) !== undefined) await ctx.onegate.erase(key);
    }
    if (attribute(current, "READY")?.trim() === "YES") return "unchanged";
    await ctx.onegate.update({ READY: "YES" });
    return "changed";
  },
};
