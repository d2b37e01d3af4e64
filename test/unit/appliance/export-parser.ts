/**
 * A reader of OpenNebula's template syntax that follows the core's own lexer and grammar
 * (OpenNebula/one src/parsers/template_parser.l, template_syntax.y) rule by rule, to prove that
 * what onekube writes is read back as meant. Like flex, each token is the longest match of the
 * rules active in the current start condition, ties going to the rule written first.
 */

type Token =
  | { readonly kind: "VARIABLE" | "STRING"; readonly text: string }
  | { readonly kind: "EQUAL" | "EQUAL_EMPTY" | "COMMA" | "OBRACKET" | "CBRACKET" | "CCDATA" };

type State = "INITIAL" | "VALUE";

interface Rule {
  readonly state: State;
  readonly pattern: RegExp;
  /** What the rule returns (undefined: skipped), and the start condition it switches to. */
  readonly action: (text: string) => { token?: Token; next?: State };
}

// [[:blank:]] is space and tab; flex's `.` is any character but newline.
const RULES: readonly Rule[] = [
  { state: "INITIAL", pattern: /[ \t]*#[^\n]*\n/y, action: () => ({}) },
  { state: "INITIAL", pattern: /[ \t\n]+/y, action: () => ({}) },
  { state: "INITIAL", pattern: /[A-Za-z0-9_]+/y, action: (text) => ({ token: { kind: "VARIABLE", text } }) },
  {
    state: "INITIAL",
    pattern: /[ \t]*=[ \t]*/y,
    action: () => ({ token: { kind: "EQUAL" }, next: "VALUE" }),
  },
  { state: "INITIAL", pattern: /[ \t]*=[ \t]*\n/y, action: () => ({ token: { kind: "EQUAL_EMPTY" } }) },
  { state: "INITIAL", pattern: /[ \t\n]*,[ \t\n]*/y, action: () => ({ token: { kind: "COMMA" } }) },
  { state: "INITIAL", pattern: /[ \t\n]*\][ \t\n]*/y, action: () => ({ token: { kind: "CBRACKET" } }) },
  {
    state: "VALUE",
    pattern: /[ \t]*\[[ \t\n]*/y,
    action: () => ({ token: { kind: "OBRACKET" }, next: "INITIAL" }),
  },
  {
    state: "VALUE",
    pattern: /[^\n]*\]\]>[^\n]*/y,
    action: () => ({ token: { kind: "CCDATA" }, next: "INITIAL" }),
  },
  {
    state: "VALUE",
    // ([^"]|\\")* with the escape tried first, so the regex engine finds flex's longest match.
    pattern: /"(?:\\"|[^"])*"/y,
    action: (text) => ({ token: { kind: "STRING", text: text.slice(1, -1) }, next: "INITIAL" }),
  },
  {
    state: "VALUE",
    pattern: /[^=#[ \t\n,\]]+/y,
    action: (text) => ({ token: { kind: "STRING", text }, next: "INITIAL" }),
  },
];

export function tokens(input: string): Token[] {
  const out: Token[] = [];
  let state: State = "INITIAL";
  let at = 0;
  while (at < input.length) {
    let best: { rule: Rule; length: number } | undefined;
    for (const rule of RULES) {
      if (rule.state !== state) continue;
      rule.pattern.lastIndex = at;
      const match = rule.pattern.exec(input);
      if (match && match[0].length > 0 && (best === undefined || match[0].length > best.length))
        best = { rule, length: match[0].length };
    }
    if (best === undefined)
      throw new Error(`syntax error at offset ${at}: ${JSON.stringify(input.slice(at, at + 20))}`);
    const { token, next } = best.rule.action(input.slice(at, at + best.length));
    if (token) out.push(token);
    if (next) state = next;
    at += best.length;
  }
  return out;
}

/** The grammar's `unescape`: every `\"` becomes `"`, scanning left to right. */
function unescapeQuotes(text: string): string {
  let s = text;
  let pos = s.indexOf('\\"');
  while (pos !== -1) {
    s = `${s.slice(0, pos)}"${s.slice(pos + 2)}`;
    pos = s.indexOf('\\"', pos);
  }
  return s;
}

export type ParsedAttribute =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly vector: Readonly<Record<string, string>> };

/** The attributes in order, as the grammar builds them (vector keys upper-cased, first wins). */
export function parseOneTemplate(input: string): ParsedAttribute[] {
  const list = tokens(input);
  const attributes: ParsedAttribute[] = [];
  let i = 0;
  const take = (kind: Token["kind"]): Token => {
    const token = list[i];
    if (token?.kind !== kind) throw new Error(`syntax error: expected ${kind}, got ${token?.kind ?? "end"}`);
    i++;
    return token;
  };
  const text = (token: Token): string => ("text" in token ? token.text : "");
  while (i < list.length) {
    const name = text(take("VARIABLE"));
    if (list[i]?.kind === "EQUAL_EMPTY") {
      i++;
      attributes.push({ name, value: "" });
      continue;
    }
    take("EQUAL");
    const next = list[i];
    if (next?.kind === "CCDATA") throw new Error(`${name}: the parser aborts on "]]>"`);
    if (next?.kind === "STRING") {
      i++;
      attributes.push({ name, value: unescapeQuotes(next.text) });
      continue;
    }
    take("OBRACKET");
    const vector: Record<string, string> = {};
    if (list[i]?.kind !== "CBRACKET") {
      for (;;) {
        const key = text(take("VARIABLE")).toUpperCase();
        take("EQUAL");
        const value = unescapeQuotes(text(take("STRING")));
        if (!(key in vector)) vector[key] = value;
        if (list[i]?.kind !== "COMMA") break;
        i++;
      }
    }
    take("CBRACKET");
    attributes.push({ name, vector });
  }
  return attributes;
}

/** Back to the JSON form onekube writes templates in: `arrays` and repeated names become arrays. */
export function templateObject(
  attributes: readonly ParsedAttribute[],
  arrays: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const repeated = new Set([
    ...arrays,
    ...attributes.filter((a, i) => attributes.findIndex((b) => b.name === a.name) !== i).map((a) => a.name),
  ]);
  for (const a of attributes) {
    const value = "vector" in a ? a.vector : a.value;
    if (repeated.has(a.name)) out[a.name] = [...((out[a.name] as unknown[] | undefined) ?? []), value];
    else out[a.name] = value;
  }
  return out;
}
