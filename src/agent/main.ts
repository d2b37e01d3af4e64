import { Supervisor } from "../host/supervisor.js";
import { nodePlatform } from "../node/platform.js";
import { OneGateClient } from "../onegate/client.js";
import { encodeValue } from "../onegate/values.js";
import { findContextDir, readVmContext } from "./context.js";
import { FAILURE_KEYS } from "./failure-keys.js";
import { leaveIfRemoved } from "./k8s/leave.js";
import { k8sLoop } from "./k8s/loop.js";
import { PHASES } from "./roles.js";
import { PhaseError, runPhases } from "./runner.js";
import type { AgentContext } from "./state.js";
import { vnfLoop } from "./vnf/loop.js";

export interface AgentOptions {
  readonly contextDir?: string | undefined;
  /** Exit after the phases instead of staying up as the VM's agent. */
  readonly once?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
}

export { FAILURE_KEYS };

/**
 * The program every VM runs at boot: read the context, run the role's phases, report READY.
 * Re-running it on a configured VM changes nothing. A failure is published to OneGate
 * (base64, as OneGate cannot carry arbitrary text) and ends the process with a non-zero code.
 */
export async function runAgent(options: AgentOptions): Promise<void> {
  const vm = readVmContext(findContextDir(options.contextDir, options.env), options.env);
  const onegate = OneGateClient.fromEnvironment(vm.onegateEnv);
  const supervisor = new Supervisor(options.log);
  const ctx: AgentContext = {
    vm,
    onegate,
    log: options.log,
    supervisor,
    platform: nodePlatform(options.env),
  };
  // Handlers first: a stop that comes during the phases must not leave the programs they started.
  const stop = new AbortController();
  let ready = false;
  const onSignal = () => {
    stop.abort();
    // A node that is serving may have to leave its cluster first (see the loop's end below).
    if (!ready) supervisor.stopAll();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  try {
    await runPhases(PHASES, ctx, { log: options.log });
  } catch (error) {
    const phase = error instanceof PhaseError ? error.phase : "agent";
    // The phase travels in its own key; the message is the cause's, as the user should read it.
    const cause = error instanceof PhaseError ? error.cause : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    options.log(`[${phase}] failed: ${message}`);
    await onegate
      .update({ [FAILURE_KEYS.phase]: phase, [FAILURE_KEYS.error]: encodeValue(message) })
      .catch((e: unknown) => options.log(`[agent] could not publish the failure: ${String(e)}`));
    supervisor.stopAll();
    throw error;
  }
  options.log("[agent] all phases done; this VM's role is ready");
  ready = true;
  if (options.once || stop.signal.aborted) return;
  // Stay up as the VM's agent: it supervises the role's programs and follows the service.
  // Nothing else may keep the event loop busy; without this Node would end the wait at once.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    if (ctx.role === "vnf") await vnfLoop(ctx, stop.signal);
    else if (ctx.k8s) await k8sLoop(ctx, stop.signal);
    else await new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve()));
    // Told to stop: a node that a scale-down removes leaves the cluster before its programs end.
    if (ctx.k8s && stop.signal.aborted)
      await leaveIfRemoved(ctx).catch((e: unknown) => options.log(`[leave] failed: ${String(e)}`));
  } finally {
    clearInterval(keepAlive);
    supervisor.stopAll();
  }
}
