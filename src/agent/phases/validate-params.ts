import { ConfigError, formatIssue } from "../../errors.js";
import { parseParams } from "../../params/validate.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

/** Parameters are validated once, for this role, before anything on the VM changes. */
export const validateParams: Phase<AgentContext> = {
  name: "validate-params",
  title: "validate the ONEAPP_* parameters of this role",
  async run(ctx) {
    const result = parseParams(ctx.vm.vars, { role: need(ctx.role, "the role") });
    if (!result.ok) throw new ConfigError(result.issues);
    for (const issue of result.issues) ctx.log(`[validate-params] ${formatIssue(issue)}`);
    ctx.config = result.config;
    return "unchanged";
  },
};
