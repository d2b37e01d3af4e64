import { z } from "zod";
import { isIpv4, parseCidr } from "./ipv4.js";
import type { Parsed } from "./loadbalancer.js";
import type { Endpoint, Ipv4Cidr, RegistryHost } from "./types.js";

/**
 * Value kinds of the parameter catalogue: each a zod schema from the raw context string to a
 * typed value. A failed check adds an issue whose `params.code` is the stable issue code.
 */
export type Kind<T> = z.ZodType<T, string>;

function fail(ctx: z.RefinementCtx, code: string, message: string): typeof z.NEVER {
  ctx.addIssue({ code: "custom", message, params: { code } });
  return z.NEVER;
}

/** Lifts a parser that reports every problem into a kind. */
export function fromParser<T>(code: string, parse: (raw: string) => Parsed<T>): Kind<T> {
  return z.string().transform((raw, ctx) => {
    const result = parse(raw);
    if (result.ok) return result.value;
    for (const message of result.errors) fail(ctx, code, message);
    return z.NEVER;
  });
}

export const yesNo: Kind<boolean> = z.string().transform((raw, ctx) => {
  const v = raw.trim().toUpperCase();
  if (v === "YES") return true;
  if (v === "NO") return false;
  return fail(ctx, "invalid_boolean", "expected YES or NO");
});

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Kind<number> {
  const expected =
    max === Number.MAX_SAFE_INTEGER
      ? `expected a whole number of at least ${min}`
      : `expected a whole number from ${min} to ${max}`;
  return z.string().transform((raw, ctx) => {
    const v = raw.trim();
    if (!/^\d+$/.test(v)) return fail(ctx, "invalid_integer", expected);
    const n = Number(v);
    if (n < min || n > max) return fail(ctx, "out_of_range", expected);
    return n;
  });
}

export const port: Kind<number> = integer(1, 65535);

/** `IPv4[:PORT]`; the port stays undefined when not given (it defaults to ONEAPP_K8S_PORT). */
export const ipv4WithPort: Kind<{ address: string; port: number | undefined }> = z
  .string()
  .transform((raw, ctx) => {
    const [address = "", portText, ...rest] = raw.trim().split(":");
    if (rest.length > 0 || !isIpv4(address)) {
      return fail(
        ctx,
        "invalid_endpoint",
        "expected an IPv4 address with an optional :PORT, e.g. 10.0.0.100 or 10.0.0.100:6443",
      );
    }
    if (portText === undefined) return { address, port: undefined };
    const p = Number(portText);
    if (!/^\d+$/.test(portText) || p < 1 || p > 65535) {
      return fail(ctx, "invalid_endpoint", `port ${JSON.stringify(portText)} is out of range (1-65535)`);
    }
    return { address, port: p };
  });

export const cidr: Kind<Ipv4Cidr> = z.string().transform((raw, ctx) => {
  const parsed = parseCidr(raw.trim());
  return parsed.ok ? parsed.cidr : fail(ctx, "invalid_cidr", parsed.reason);
});

const IFNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

/** Interface names separated by commas or white space; empty means "all". */
export const interfaceList: Kind<string[]> = z.string().transform((raw, ctx) => {
  const names = raw.split(/[\s,]+/).filter((s) => s.length > 0);
  const bad = names.filter((n) => !IFNAME.test(n));
  if (bad.length > 0) {
    return fail(
      ctx,
      "invalid_interface",
      `${bad.map((b) => JSON.stringify(b)).join(", ")}: expected interface names (letters, digits, '_', '-', '.'; at most 15 characters) separated by commas or spaces`,
    );
  }
  return names;
});

export const absolutePath: Kind<string> = z.string().transform((raw, ctx) => {
  const v = raw.trim();
  if (!v.startsWith("/") || v.includes("\0") || /\s/.test(v) || v.split("/").includes("..")) {
    return fail(ctx, "invalid_path", "expected an absolute path without spaces or '..'");
  }
  return v.length > 1 ? v.replace(/\/+$/, "") : v;
});

export const devicePath: Kind<string> = absolutePath.pipe(
  z.string().refine((v) => v.startsWith("/dev/") && v.length > 5, {
    message: "expected a block device path under /dev, e.g. /dev/vdb",
    params: { code: "invalid_device" },
  }),
);

export function oneOf<const T extends string>(values: readonly T[]): Kind<T> {
  return z.string().transform((raw, ctx) => {
    const v = raw.trim() as T;
    return values.includes(v) ? v : fail(ctx, "invalid_choice", `expected one of ${values.join(", ")}`);
  });
}

/** A filesystem label both mkfs.xfs (at most 12 bytes) and mkfs.ext4 accept, kept under 12 as the reference asks. */
export const fsLabel: Kind<string> = z.string().transform((raw, ctx) => {
  if (raw.length === 0 || raw.length > 11) {
    return fail(
      ctx,
      "invalid_label",
      `expected 1 to 11 characters (got ${raw.length}); xfs labels hold at most 12 bytes`,
    );
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(raw)) {
    return fail(ctx, "invalid_label", "expected only letters, digits, '_', '-' and '.'");
  }
  return raw;
});

const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * A registry's `host[:port]`, HTTPS unless written `http://host[:port]`: a host name or IPv4
 * address, no path (the mirror layout puts the upstream's name in the path itself).
 */
export const registryHost: Kind<RegistryHost> = z.string().transform((raw, ctx) => {
  const v = raw.trim();
  const scheme = v.startsWith("http://") ? "http" : "https";
  const rest = v.replace(/^https?:\/\//, "");
  const [host = "", portText, ...extra] = rest.split(":");
  const expected = "expected host[:port] of a registry (https), or http://host[:port] for plain HTTP";
  if (extra.length > 0 || rest.includes("/") || !(isIpv4(host) || DNS_NAME.test(host)))
    return fail(ctx, "invalid_registry", expected);
  if (portText !== undefined && !/^\d+$/.test(portText)) return fail(ctx, "invalid_registry", expected);
  const p = portText === undefined ? undefined : Number(portText);
  if (p !== undefined && (p < 1 || p > 65535))
    return fail(ctx, "invalid_registry", `port ${portText} is out of range (1-65535)`);
  return { host: p === undefined ? host : `${host}:${p}`, scheme };
});

export type { Endpoint };
