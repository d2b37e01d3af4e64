/**
 * OpenNebula's template syntax, what `onetemplate create FILE` and `oneimage create FILE` read
 * (the core's lexer src/parsers/template_parser.l and grammar template_syntax.y): one
 * `NAME = "value"` per single attribute, `NAME = [ A = "x", B = "y" ]` per vector attribute,
 * a vector repeated for each element of an array. Names are [A-Za-z0-9_]+, written upper-case.
 * Inside double quotes the only escape is `\"` (unescaped to `"`), so a value that ends with a
 * backslash (its closing quote would read as escaped) or holds `]]>` (the lexer's CDATA rule takes
 * the line and the parser aborts) cannot be written: those are refused, never mangled.
 */
import { UsageError } from "../../errors.js";

export type OneValue = string | number;
export type OneVector = { readonly [name: string]: OneValue };
export type OneTemplate = {
  readonly [name: string]: OneValue | OneVector | readonly OneVector[] | undefined;
};

const NAME = /^[A-Za-z0-9_]+$/;

function attributeName(name: string, where: string): string {
  if (!NAME.test(name))
    throw new UsageError(`${where}${name}: not an OpenNebula attribute name (letters, digits and _ only)`);
  return name.toUpperCase();
}

/** A value as the lexer reads it back: double-quoted, `"` written as `\"`. */
export function quoteValue(value: OneValue, name: string): string {
  const text = String(value);
  if (text.endsWith("\\"))
    throw new UsageError(
      `${name}=${JSON.stringify(text)} cannot be written in OpenNebula's template syntax: it ends with a backslash, which would escape the closing quote`,
    );
  if (text.includes("]]>"))
    throw new UsageError(
      `${name}=${JSON.stringify(text)} cannot be written in OpenNebula's template syntax: it holds "]]>", which the template parser refuses`,
    );
  return `"${text.replaceAll('"', '\\"')}"`;
}

function isVector(value: unknown): value is OneVector {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function vectorText(name: string, vector: OneVector): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const [key, value] of Object.entries(vector)) {
    const upper = attributeName(key, `${name}/`);
    if (seen.has(upper)) throw new UsageError(`${name}/${upper}: given twice`);
    seen.add(upper);
    if (typeof value !== "string" && typeof value !== "number")
      throw new UsageError(`${name}/${upper}: a vector attribute holds only single values`);
    lines.push(`  ${upper} = ${quoteValue(value, `${name}/${upper}`)}`);
  }
  return lines.length === 0 ? `${name} = [ ]` : `${name} = [\n${lines.join(",\n")} ]`;
}

/** The template as text, attributes in the object's order; `undefined` attributes are left out. */
export function oneTemplateText(template: OneTemplate): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [key, value] of Object.entries(template)) {
    if (value === undefined) continue;
    const name = attributeName(key, "");
    if (seen.has(name)) throw new UsageError(`${name}: given twice (repeat a vector with an array)`);
    seen.add(name);
    if (Array.isArray(value)) {
      for (const element of value as readonly unknown[]) {
        if (!isVector(element)) throw new UsageError(`${name}: only vectors can be repeated`);
        out.push(vectorText(name, element));
      }
    } else if (isVector(value)) out.push(vectorText(name, value));
    else out.push(`${name} = ${quoteValue(value as OneValue, name)}`);
  }
  return `${out.join("\n")}\n`;
}
