/**
 * zod's issues, worded as OneFlow's validator words them (`validator.rb`), because users and
 * scripts match on those texts: `KEY: 'name' must be a String;`, `Mandatory document key
 * 'template_id (integer)' is missing from {...}`. Upstream names the innermost key; for an item
 * of an array it names the array.
 */
import type { z } from "zod";

type Issue = z.core.$ZodIssue;

const TYPE_NAMES: Record<string, string> = {
  string: "string",
  number: "integer",
  int: "integer",
  array: "array",
  record: "object",
  object: "object",
  boolean: "boolean",
};

function keyOf(path: readonly PropertyKey[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i];
    if (typeof key === "string") return key;
  }
  return "";
}

/** The value at `path` in the raw input; null and false count as absent, as upstream. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === null || value === false ? undefined : value;
}

export function upstreamMessage(issue: Issue, input: unknown): string {
  const key = keyOf(issue.path);
  const given = valueAt(input, issue.path);
  if (given === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
    const type = issue.code === "invalid_type" ? (TYPE_NAMES[issue.expected] ?? issue.expected) : "string";
    const parent = valueAt(input, issue.path.slice(0, -1));
    return `Mandatory document key '${key} (${type})' is missing from ${JSON.stringify(parent)}`;
  }
  switch (issue.code) {
    case "invalid_type":
      switch (issue.expected) {
        case "string":
          return `KEY: '${key}' must be a String;`;
        case "number":
        case "int":
          return `KEY: '${key}' must be an Integer;`;
        case "array":
          return `KEY: '${key}' must be an Array;`;
        case "boolean":
          return `KEY: '${key}' is not allowed in {:type=>:boolean};`;
        default:
          return `KEY: '${key}' must be an Object;`;
      }
    case "invalid_value":
      return `KEY: '${key}' must be one of ${issue.values.map(String).join(", ")};`;
    case "invalid_format":
      return issue.format === "regex" && "pattern" in issue
        ? `KEY: '${key}' must match regexp ${String(issue.pattern)};`
        : `KEY: '${key}' ${issue.message};`;
    case "too_small":
      return `KEY: '${key}' must be greater than or equal to ${String(issue.minimum)};`;
    default:
      return `KEY: '${key}' ${issue.message};`;
  }
}
