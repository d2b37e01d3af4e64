import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HostError } from "../../../src/errors.js";
import type { Exec } from "../../../src/host/exec.js";
import { assertLocalCloud, checkLocalCloud, onPath } from "../../../src/local/preflight.js";

/** An Exec double whose `ip netns list` fails as on a kernel without network namespaces. */
const noNetns: Exec = {
  run: async (file, args) => ({
    command: [file, ...args].join(" "),
    exitCode: 1,
    stdout: "",
    stderr: "mount --make-shared /run/netns failed: Operation not permitted",
  }),
};

describe("local cloud preflight", () => {
  test("finds programs on PATH the way the shell would", () => {
    assert.ok(onPath("sh"));
    assert.ok(!onPath("onekube-no-such-program"));
    assert.ok(!onPath("sh", "/nonexistent:/also-not"));
  });

  test("a failing `ip netns` is named with its error and a fix", async () => {
    // GIVEN a host where `ip netns list` fails WHEN checked
    const problems = await checkLocalCloud(noNetns);
    // THEN the problem says which check, what happened and what to do
    const netns = problems.find((p) => p.check === "ip-netns");
    assert.ok(netns, JSON.stringify(problems));
    assert.equal(netns.severity, "error");
    assert.match(netns.message, /Operation not permitted/);
    assert.match(netns.fix, /iproute2/);
    // AND assertLocalCloud throws one HostError listing every error
    await assert.rejects(
      assertLocalCloud(noNetns),
      (e: unknown) => e instanceof HostError && /\[ip-netns\]/.test(e.message),
    );
  });
});
