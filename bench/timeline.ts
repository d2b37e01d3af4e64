/**
 * Where the time of an `up` goes (issue 14): per VM, from its creation, when each of its agent's
 * phases (and the finer steps they log) started and ended, read from its agent log; and the
 * critical path of the whole service: for each role, the VM that finished last, and what it was
 * waiting for. Times are seconds since the service's first VM was created.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { vmDir } from "../src/local/names.js";
import type { ServiceView } from "../src/local/status.js";

export interface Step {
  readonly name: string;
  /** Seconds since the first VM's creation. */
  readonly start: number;
  readonly end: number;
  readonly outcome: string;
}

export interface VmTimeline {
  readonly id: number;
  readonly role: string;
  readonly created: number;
  readonly ready?: number;
  readonly steps: readonly Step[];
  /** Finer marks the phases log: `kubeadm init done`, each kubeadm join phase, images imported. */
  readonly marks: readonly { readonly at: number; readonly what: string }[];
}

const LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) \[([\w-]+)\] (.*)$/;
/** Lines worth a mark on the timeline, besides phase starts and ends. */
const MARKS = [
  /done in \d+ ms/,
  /^waiting: /,
  /^joining as /,
  /^this master will/,
  /imported .* in \d+ ms/,
  /^cluster-info signed/,
  /kubelet restarted/,
  /kube-proxy has (not )?synced/,
];

export function parseAgentLog(
  text: string,
  t0: number,
): Omit<VmTimeline, "id" | "role" | "created" | "ready"> {
  const steps: Step[] = [];
  const marks: { at: number; what: string }[] = [];
  const open = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    const at = (Date.parse(m[1] ?? "") - t0) / 1000;
    const [phase, rest] = [m[2] ?? "", m[3] ?? ""];
    const done = /^(changed|unchanged) in (\d+) ms$/.exec(rest);
    if (done) {
      const start = open.get(phase) ?? at - Number(done[2]) / 1000;
      steps.push({ name: phase, start, end: at, outcome: done[1] ?? "" });
      open.delete(phase);
    } else if (rest === "skipped") continue;
    else if (!open.has(phase) && !steps.some((s) => s.name === phase)) open.set(phase, at);
    if (MARKS.some((r) => r.test(rest))) marks.push({ at, what: `${phase}: ${rest}` });
  }
  return { steps, marks };
}

export function serviceTimelines(root: string, service: string, view: ServiceView): VmTimeline[] {
  const vms = view.roles.flatMap((r) => r.vms.map((v) => ({ ...v, role: r.name })));
  const t0 = Math.min(...vms.map((v) => v.createdAt ?? Number.POSITIVE_INFINITY));
  return vms.map((v) => {
    let text = "";
    try {
      text = readFileSync(join(vmDir(root, service, v.id), "agent.log"), "utf8");
    } catch {
      // a VM without a log yet
    }
    return {
      id: v.id,
      role: v.role,
      created: ((v.createdAt ?? t0) - t0) / 1000,
      ...(v.readyAt === undefined ? {} : { ready: (v.readyAt - t0) / 1000 }),
      ...parseAgentLog(text, t0),
    };
  });
}

const s = (n: number) => `${n.toFixed(1).padStart(6)} s`;

/** The steps longer than `minSeconds`, VM by VM, in creation order. */
export function printTimelines(timelines: readonly VmTimeline[], minSeconds = 0.5): string {
  const out: string[] = [];
  for (const t of [...timelines].sort((a, b) => a.created - b.created || a.id - b.id)) {
    out.push(
      `  VM ${t.id} ${t.role}: created ${s(t.created)}, READY ${t.ready === undefined ? "   -" : s(t.ready)}`,
    );
    for (const step of t.steps.filter((x) => x.end - x.start >= minSeconds))
      out.push(
        `    ${s(step.start)} -> ${s(step.end)}  ${step.name} (${(step.end - step.start).toFixed(1)} s)`,
      );
    for (const mark of t.marks) out.push(`    ${s(mark.at)}     ${mark.what}`);
  }
  return out.join("\n");
}

/** For each role, the VM READY last, and what its longest steps were: the service's critical path. */
export function criticalPath(timelines: readonly VmTimeline[]): string {
  const roles = [...new Set(timelines.map((t) => t.role))];
  return roles
    .map((role) => {
      const last = timelines
        .filter((t) => t.role === role && t.ready !== undefined)
        .sort((a, b) => (b.ready ?? 0) - (a.ready ?? 0))[0];
      if (!last) return `  ${role}: none READY`;
      const longest = [...last.steps]
        .sort((a, b) => b.end - b.start - (a.end - a.start))
        .slice(0, 3)
        .map((x) => `${x.name} ${(x.end - x.start).toFixed(1)} s`)
        .join(", ");
      return `  ${role}: last READY VM ${last.id} at ${s(last.ready ?? 0)} (created ${s(last.created)}; longest: ${longest})`;
    })
    .join("\n");
}
