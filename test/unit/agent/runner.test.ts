import assert from "node:assert/strict";
import { test } from "node:test";
import { type Phase, PhaseError, runPhases } from "../../../src/agent/runner.js";

interface Ctx {
  done: string[];
  first: boolean;
}

const phase = (name: string, extra: Partial<Phase<Ctx>> = {}): Phase<Ctx> => ({
  name,
  title: `do ${name}`,
  run: async (ctx) => {
    ctx.done.push(name);
    return "changed";
  },
  ...extra,
});

test("runs phases in order, skipping those that should not run, and reports each", async () => {
  // GIVEN three phases, the second only for the first master
  const ctx: Ctx = { done: [], first: false };
  const log: string[] = [];
  const events: string[] = [];
  // WHEN run on a joining master
  const reports = await runPhases(
    [phase("a"), phase("init", { shouldRun: (c) => c.first }), phase("b")],
    ctx,
    {
      log: (l) => log.push(l),
      onPhase: (p, s) => {
        events.push(`${p}:${s}`);
      },
    },
  );
  // THEN init was skipped and the others ran in order
  assert.deepEqual(ctx.done, ["a", "b"]);
  assert.deepEqual(
    reports.map((r) => [r.name, r.outcome]),
    [
      ["a", "changed"],
      ["init", "skipped"],
      ["b", "changed"],
    ],
  );
  assert.deepEqual(events, ["a:started", "a:changed", "b:started", "b:changed"]);
  assert.ok(log.includes("[init] skipped"));
});

test("a failure is wrapped once with the phase's name and stops the run", async () => {
  const ctx: Ctx = { done: [], first: true };
  const failing = phase("disk", {
    run: async () => {
      throw new Error("/dev/vdb holds ext4, expected xfs");
    },
  });
  await assert.rejects(runPhases([phase("a"), failing, phase("b")], ctx, { log: () => {} }), (e: unknown) => {
    assert.ok(e instanceof PhaseError);
    assert.equal(e.phase, "disk");
    assert.equal(e.message, "[disk] /dev/vdb holds ext4, expected xfs");
    return true;
  });
  assert.deepEqual(ctx.done, ["a"]);
});
