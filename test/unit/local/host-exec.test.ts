// Tests src/host/exec.ts (kept here because this change may only add tests under test/unit/local/).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HostError } from "../../../src/errors.js";
import { commandLine, hostExec } from "../../../src/host/exec.js";

describe("the Exec port", () => {
  test("captures output and the exit code", async () => {
    const r = await hostExec.run("sh", ["-c", "echo out; echo err >&2"]);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, "out");
    assert.equal(r.stderr, "err");
  });

  test("a failure is a HostError with the operation, command, exit code and output tail", async () => {
    await assert.rejects(
      hostExec.run("sh", ["-c", "echo first; echo 'last words' >&2; exit 4"], { operation: "do a thing" }),
      (e: unknown) =>
        e instanceof HostError &&
        e.exitCode === 4 &&
        e.operation === "do a thing" &&
        e.command === "sh -c 'echo first; echo '\\''last words'\\'' >&2; exit 4'" &&
        /last words/.test(e.message),
    );
  });

  test("allowFailure returns the exit code instead", async () => {
    const r = await hostExec.run("sh", ["-c", "exit 3"], { allowFailure: true });
    assert.equal(r.exitCode, 3);
  });

  test("a missing program is named", async () => {
    await assert.rejects(
      hostExec.run("onekube-no-such-program", []),
      (e: unknown) =>
        e instanceof HostError && e.exitCode === undefined && /not found on PATH/.test(e.message),
    );
  });

  test("input and a replaced environment reach the program", async () => {
    const r = await hostExec.run("sh", ["-c", 'cat; echo "[$ONLY]"; echo "[$HOME]"'], {
      input: "in\n",
      env: { ONLY: "this", PATH: "/usr/bin:/bin" },
    });
    assert.equal(r.stdout, "in\n[this]\n[]");
  });

  test("command lines quote only what needs quoting", () => {
    assert.equal(commandLine("ip", ["link", "add", "a b"]), "ip link add 'a b'");
  });
});
