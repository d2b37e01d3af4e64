import { UsageError } from "../errors.js";
import { isIpv4 } from "../params/ipv4.js";
import { ROLES, type Role } from "../params/types.js";

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new UsageError(`unknown role ${JSON.stringify(value)}: expected one of ${ROLES.join(", ")}`);
  }
  return value as Role;
}

export function parseIpList(option: string, value: string): string[] {
  const items = value.split(/[\s,]+/).filter((s) => s.length > 0);
  const bad = items.filter((s) => !isIpv4(s));
  if (bad.length > 0)
    throw new UsageError(
      `${option}: ${bad.join(", ")} ${bad.length === 1 ? "is not an IPv4 address" : "are not IPv4 addresses"}`,
    );
  return items;
}

export function parseIntOption(option: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(
      `${option}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  return n;
}
