/**
 * What may be published through OneGate as it is, shared by the embedded server (which refuses
 * the rest) and the agent's client (which checks before sending). Real OneGate wraps each value
 * in double quotes by a character-level escape before the core's template parser sees it; a
 * comma, double quote, backslash, bracket or an empty value breaks that escape, and the update
 * is refused or stored corrupted. Such values must travel base64-encoded.
 */

/** Attribute names the core's template parser accepts (`[[:alnum:]_]+`). */
export const ATTRIBUTE_NAME = /^[A-Za-z0-9_]+$/;

const BREAKS_ESCAPING: readonly (readonly [string, string])[] = [
  [",", "a comma"],
  ['"', "a double quote"],
  ["\\", "a backslash"],
  ["[", "a bracket"],
  ["]", "a bracket"],
  ["\n", "a line break"],
  ["\r", "a line break"],
];

/** Why `value` cannot be published as it is, or undefined when it can. */
export function valueProblem(value: string): string | undefined {
  if (value === "") return "is empty";
  for (const [char, what] of BREAKS_ESCAPING) if (value.includes(char)) return `contains ${what}`;
  return undefined;
}

/** The message both sides give for a value OneGate would refuse or corrupt. */
export function valueRefusal(name: string, problem: string): string {
  return `value of ${name} ${problem}, which OneGate cannot store as sent: publish it base64-encoded`;
}

/** Base64 of the UTF-8 text: always safe to publish. */
export function encodeValue(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/** The text back from encodeValue; refuses anything that is not canonical base64. */
export function decodeValue(encoded: string): string {
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.toString("base64") !== encoded) throw new Error(`not a base64 value: ${JSON.stringify(encoded)}`);
  return bytes.toString("utf8");
}
