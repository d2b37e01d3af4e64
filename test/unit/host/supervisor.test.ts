import assert from "node:assert/strict";
import { test } from "node:test";
import { Supervisor } from "../../../src/host/supervisor.js";

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail("condition not reached in time");
    await new Promise((r) => setTimeout(r, 50));
  }
};

test("a supervised program that dies is started again; stop ends it for good", async () => {
  // GIVEN a real long-running program under the supervisor
  const log: string[] = [];
  const s = new Supervisor((l) => log.push(l));
  s.start("sleeper", ["sleep", "60"]);
  const first = s.pid("sleeper");
  assert.ok(alive(first));
  // WHEN it is killed THEN a new one runs
  process.kill(first as number, "SIGKILL");
  await until(() => s.pid("sleeper") !== undefined && s.pid("sleeper") !== first);
  assert.ok(log.some((l) => /sleeper exited \(SIGKILL\); restarting/.test(l)));
  // WHEN started again with the same argv THEN nothing changes
  const second = s.pid("sleeper");
  s.start("sleeper", ["sleep", "60"]);
  assert.equal(s.pid("sleeper"), second);
  // WHEN stopped THEN it ends and is not restarted
  s.stopAll();
  await until(() => !alive(second));
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(s.pid("sleeper"), undefined);
});

test("signal reaches the running program and reports whether one ran", async () => {
  const s = new Supervisor(() => {});
  assert.equal(s.signal("none", "SIGHUP"), false);
  s.start("sleeper", ["sleep", "60"]);
  const pid = s.pid("sleeper");
  assert.equal(s.signal("sleeper", "SIGTERM"), true);
  await until(() => !alive(pid));
  s.stopAll();
});
