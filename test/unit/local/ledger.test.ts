import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Ledger } from "../../../src/local/ledger.js";

describe("the ledger", () => {
  test("reads back what was appended, and skips a line torn by a kill", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "onekube-ledger-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // GIVEN two entries and a half-written third
    const ledger = new Ledger(join(dir, "sub", "ledger.jsonl"));
    ledger.append({ kind: "netns", name: "onekube-1-3", vm: 3 });
    ledger.append({ kind: "init", vm: 3, pid: 42, start: "1000" });
    appendFileSync(ledger.path, '{"kind":"link","na');
    // WHEN read THEN the whole lines come back
    assert.deepEqual(ledger.read(), [
      { kind: "netns", name: "onekube-1-3", vm: 3 },
      { kind: "init", vm: 3, pid: 42, start: "1000" },
    ]);
  });

  test("a missing ledger is an empty one", () => {
    assert.deepEqual(new Ledger("/nonexistent/ledger.jsonl").read(), []);
  });
});
