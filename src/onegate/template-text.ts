/**
 * The text of PUT /vm and PUT /vms/:id, read as OpenNebula reads it: lines of `KEY=VALUE`, where
 * the two characters backslash-n also end a line (OneKE and the CLI help write `A=1\nB=2`),
 * names are upper-cased by the template parser, and `=` inside a value is kept. Where real
 * OneGate's escaping would refuse or corrupt a value (see values.ts) this module refuses it with
 * a message that says to base64-encode, so agents tested here behave on a real cloud too.
 */
import { ATTRIBUTE_NAME, valueProblem, valueRefusal } from "./values.js";

/** A text the core's parser would refuse, or that OneGate would store corrupted. */
export class TemplateTextError extends Error {
  override readonly name = "TemplateTextError";
}

/** The lines of a text: real line breaks and literal `\n` both split. */
export function textLines(text: string): string[] {
  return text.split(/\\n|\r?\n/);
}

/**
 * The first line whose name is restricted, as sent (OneGate's 403 repeats it). Like upstream,
 * the name is the text before the first `=`, compared upper-cased; blanks around it are
 * ignored here, which upstream forgets (`SERVICE_ID =1` slips through there).
 */
export function restrictedName(text: string, restricted: ReadonlySet<string>): string | undefined {
  for (const line of textLines(text)) {
    const sent = line.split("=")[0] ?? "";
    if (restricted.has(sent.trim().toUpperCase())) return sent;
  }
  return undefined;
}

/**
 * The attributes a set text (type 1) assigns, names upper-cased; a later line wins over an
 * earlier one of the same name. Blank lines and `#` comments are skipped as the parser does.
 */
export function parseSetText(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const line of textLines(text)) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 0)
      throw new TemplateTextError(`Error parsing template: line ${JSON.stringify(line)} is not KEY=VALUE`);
    const name = line.slice(0, eq).trim();
    if (!ATTRIBUTE_NAME.test(name)) {
      throw new TemplateTextError(
        `Error parsing template: attribute name ${JSON.stringify(name)} must be letters, digits and _`,
      );
    }
    const value = unwrapQuoted(line.slice(eq + 1));
    const problem = valueProblem(value);
    if (problem !== undefined) throw new TemplateTextError(valueRefusal(name.toUpperCase(), problem));
    attrs[name.toUpperCase()] = value;
  }
  return attrs;
}

/** `KEY="x y"` right after the `=` survives OneGate's escaping as `x y`; other quotes do not. */
function unwrapQuoted(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    const inner = value.slice(1, -1);
    if (!inner.includes('"')) return inner;
  }
  return value;
}

/**
 * The name an erase text (type 2) names. Matched exactly (case-sensitive) by the server, as
 * upstream does; surrounding blanks and line breaks are dropped, which upstream would not.
 */
export function eraseName(text: string): string {
  return text.trim();
}
