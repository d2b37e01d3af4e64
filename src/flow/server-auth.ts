/**
 * OneFlow's authentication (reference §3.1): every request carries HTTP Basic credentials (an
 * OpenNebula user and password or token); none → 401 `A username and password must be
 * provided`, wrong → 401 `Invalid credentials`. The caller becomes the owner of what it creates.
 */
import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ONEADMIN, type Owner } from "./model.js";

export type OneFlowAuthenticator = (user: string, password: string) => Owner | undefined;

export type AuthEnv = { Variables: { owner: Owner } };

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** One account, as the local cloud has: the given user and password, acting as `owner`. */
export function singleUser(user: string, password: string, owner: Owner = ONEADMIN): OneFlowAuthenticator {
  return (u, p) => (sameText(u, user) && sameText(p, password) ? owner : undefined);
}

/** `Basic base64(user:password)`; the password may itself contain colons. */
function credentialsOf(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function basicAuth(authenticate: OneFlowAuthenticator): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const given = credentialsOf(c.req.header("authorization"));
    if (given === undefined || (given.user === "" && given.password === ""))
      return c.text("A username and password must be provided", 401);
    const owner = authenticate(given.user, given.password);
    if (owner === undefined) return c.text("Invalid credentials", 401);
    c.set("owner", owner);
    await next();
    return undefined;
  };
}
