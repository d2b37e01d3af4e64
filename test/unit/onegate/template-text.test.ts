import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  parseSetText,
  restrictedName,
  TemplateTextError,
  textLines,
} from "../../../src/onegate/template-text.js";
import { decodeValue, encodeValue, valueProblem } from "../../../src/onegate/values.js";

const RESTRICTED = new Set(["SCHED_REQUIREMENTS", "SERVICE_ID", "ROLE_NAME"]);

describe("PUT /vm text", () => {
  test("splits lines on real line breaks and on the two characters backslash-n", () => {
    assert.deepEqual(textLines("A=1\\nB=2\nC=3\r\nD=4"), ["A=1", "B=2", "C=3", "D=4"]);
  });

  test("reads what real OneGate stores", () => {
    const table: [string, Record<string, string>][] = [
      ["READY=YES", { READY: "YES" }],
      ["ready=YES", { READY: "YES" }], // the parser upper-cases names, values keep their case
      ["MSG=hello world", { MSG: "hello world" }],
      ["X=a=b", { X: "a=b" }], // `=` inside a value survives: base64 padding and URLs are fine
      ["K=aGVsbG8=", { K: "aGVsbG8=" }],
      ["U=https://10.0.0.1:6443/x?y=1", { U: "https://10.0.0.1:6443/x?y=1" }],
      ['Q="quoted value"', { Q: "quoted value" }], // a value quoted right after `=` is kept as written
      ["A=1\\nB=2", { A: "1", B: "2" }],
      ["A=1\n\n# a comment\nB=2\n", { A: "1", B: "2" }],
      [" SPACED = x", { SPACED: " x" }],
      ["A=1\nA=2", { A: "2" }],
      ["", {}],
    ];
    for (const [text, expected] of table) assert.deepEqual(parseSetText(text), expected, text);
  });

  test("refuses what real OneGate would refuse or corrupt, telling to base64-encode", () => {
    // GIVEN values that upstream's escaping breaks, and lines its parser refuses
    const table: [string, RegExp][] = [
      ["IPS=10.0.0.1,10.0.0.2", /IPS contains a comma.*base64/],
      ['Q=say "hi"', /contains a double quote/],
      ['Q="a" "b"', /contains a double quote/],
      ["P=C:\\dir", /contains a backslash/],
      ["V=[A=1]", /contains a bracket/],
      ["E=", /E is empty/],
      ['E=""', /E is empty/],
      ["NOEQUALS", /is not KEY=VALUE/],
      ["BAD-NAME=1", /attribute name "BAD-NAME"/],
      ["=value", /attribute name ""/],
    ];
    // WHEN parsed THEN each is refused with its reason
    for (const [text, message] of table) {
      assert.throws(
        () => parseSetText(text),
        (e: unknown) => e instanceof TemplateTextError && message.test(e.message),
      );
    }
  });

  test("finds restricted names in any line, whatever their case, and repeats them as sent", () => {
    assert.equal(restrictedName("READY=YES\nservice_id=3", RESTRICTED), "service_id");
    assert.equal(restrictedName("A=1\\nROLE_NAME=x", RESTRICTED), "ROLE_NAME");
    assert.equal(restrictedName("SERVICE_ID =1", RESTRICTED), "SERVICE_ID ");
    assert.equal(restrictedName("SCHED_REQUIREMENTS", RESTRICTED), "SCHED_REQUIREMENTS");
    assert.equal(restrictedName("READY=SERVICE_ID", RESTRICTED), undefined);
  });
});

describe("published values", () => {
  test("anything survives once base64-encoded", () => {
    const text = 'a,b "c" \\d [e]\nf';
    assert.notEqual(valueProblem(text), undefined);
    assert.equal(valueProblem(encodeValue(text)), undefined);
    assert.equal(decodeValue(encodeValue(text)), text);
    assert.throws(() => decodeValue("not base64!"), /not a base64 value/);
  });
});
