import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { oneTemplateText } from "../../../src/appliance/export/one-template.js";
import { UsageError } from "../../../src/errors.js";
import { parseOneTemplate, templateObject, tokens } from "./export-parser.js";

describe("OpenNebula template syntax: the writer, read back by the core's grammar", () => {
  test("single attributes, vectors and repeated vectors come back as written", () => {
    // GIVEN values with quotes, a $USER reference, commas, brackets, # and newlines
    const template = {
      NAME: 'a "quoted" name',
      MEMORY: 3072,
      DESCRIPTION: "line one, with a comma\nline two # not a comment\n[brackets] = too",
      EMPTY: "",
      BACKSLASH_QUOTE: 'C:\\"dir\\" and \\\\"',
      DISK: [
        { IMAGE: "onekube", SIZE: "20480" },
        { TYPE: "fs", SIZE: 1024 },
      ],
      CONTEXT: { SSH_PUBLIC_KEY: "$USER[SSH_PUBLIC_KEY]", NETWORK: "YES", START: 'echo "$HOME", ok' },
      GRAPHICS: {},
    };
    // WHEN written and parsed as oned parses it
    const parsed = parseOneTemplate(oneTemplateText(template));
    // THEN every value is the one given, numbers as their text
    assert.deepEqual(templateObject(parsed), {
      NAME: 'a "quoted" name',
      MEMORY: "3072",
      DESCRIPTION: "line one, with a comma\nline two # not a comment\n[brackets] = too",
      EMPTY: "",
      BACKSLASH_QUOTE: 'C:\\"dir\\" and \\\\"',
      DISK: [
        { IMAGE: "onekube", SIZE: "20480" },
        { TYPE: "fs", SIZE: "1024" },
      ],
      CONTEXT: { SSH_PUBLIC_KEY: "$USER[SSH_PUBLIC_KEY]", NETWORK: "YES", START: 'echo "$HOME", ok' },
      GRAPHICS: {},
    });
  });

  test("writes names upper-case, one attribute per line, vectors one element per line", () => {
    assert.equal(
      oneTemplateText({ name: "x", context: { token: "YES", network: "YES" } }),
      'NAME = "x"\nCONTEXT = [\n  TOKEN = "YES",\n  NETWORK = "YES" ]\n',
    );
  });

  test("leaves out undefined attributes", () => {
    assert.equal(oneTemplateText({ A: "1", B: undefined, C: "3" }), 'A = "1"\nC = "3"\n');
  });

  test("refuses what the lexer would read otherwise, naming the attribute", () => {
    const refusals: [object, RegExp][] = [
      [{ PATH: "C:\\images\\" }, /PATH=.*ends with a backslash/],
      [{ CONTEXT: { SCRIPT: "a\\" } }, /CONTEXT\/SCRIPT=.*ends with a backslash/],
      [{ DESCRIPTION: "x ]]> y" }, /DESCRIPTION=.*"\]\]>"/],
      [{ "BAD-NAME": "x" }, /BAD-NAME: not an OpenNebula attribute name/],
      [{ DISK: { "A B": "x" } }, /DISK\/A B: not an OpenNebula attribute name/],
      [{ cpu: "1", CPU: "2" }, /CPU: given twice/],
      [{ DISK: { size: "1", SIZE: "2" } }, /DISK\/SIZE: given twice/],
      [{ DISK: { NESTED: { A: "1" } } }, /DISK\/NESTED: a vector attribute holds only single values/],
      [{ LIST: ["a", "b"] }, /LIST: only vectors can be repeated/],
    ];
    for (const [template, message] of refusals)
      assert.throws(
        () => oneTemplateText(template as never),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
        String(message),
      );
  });

  test("the test's parser follows the core's lexer: why a trailing backslash and ]]> are refused", () => {
    // GIVEN a value ending in a backslash, written naively THEN the closing quote reads as escaped,
    // the value runs on into the next attribute and the rest no longer parses
    assert.deepEqual(tokens('A = "x\\"\nB = "y').slice(0, 3), [
      { kind: "VARIABLE", text: "A" },
      { kind: "EQUAL" },
      { kind: "STRING", text: 'x\\"\nB = ' },
    ]);
    assert.throws(() => parseOneTemplate('A = "x\\"\nB = "y"\n'), /syntax error/);
    // GIVEN "]]>" on a value's line THEN the CDATA rule wins and the grammar aborts
    assert.throws(() => parseOneTemplate('A = "x ]]> y"\n'), /aborts/);
    // Unquoted values and empty ones (`A =` at the end of a line) are read as the core reads them
    assert.deepEqual(templateObject(parseOneTemplate("A = plain\nB =\nC = [ D = e ]\n# note\n")), {
      A: "plain",
      B: "",
      C: { D: "e" },
    });
    assert.deepEqual(
      tokens('X=[a="1",b="2"]').map((t) => t.kind),
      [
        "VARIABLE",
        "EQUAL",
        "OBRACKET",
        "VARIABLE",
        "EQUAL",
        "STRING",
        "COMMA",
        "VARIABLE",
        "EQUAL",
        "STRING",
        "CBRACKET",
      ],
    );
  });
});
