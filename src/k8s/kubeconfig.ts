/**
 * What a request to the API server needs from a kubeconfig (its current context's server, CA and
 * client credentials), read with the YAML library the agent already holds. The kubeconfigs read
 * here are kubeadm's (admin.conf, kubelet.conf, super-admin.conf) and onekube's own: certificates
 * inline or in files, or a bearer token. @kubernetes/client-node read them before, but importing
 * it took half a second of CPU at every start of every agent, which a booting VM pays on its
 * critical path (issue 14), for these few fields.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";

export interface KubeAccess {
  readonly server: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly token?: string;
  readonly insecureSkipTlsVerify: boolean;
}

interface Named<T> {
  readonly name: string;
  readonly [key: string]: unknown;
  readonly cluster?: T;
  readonly user?: T;
  readonly context?: T;
}

type Fields = Readonly<Record<string, unknown>>;

export function readKubeconfig(path: string): KubeAccess {
  const doc = parse(readFileSync(path, "utf8")) as {
    "current-context"?: string;
    contexts?: Named<Fields>[];
    clusters?: Named<Fields>[];
    users?: Named<Fields>[];
  };
  const contexts = doc.contexts ?? [];
  const context = (contexts.find((c) => c.name === doc["current-context"]) ?? contexts[0])?.context;
  const cluster =
    (doc.clusters ?? []).find((c) => c.name === context?.cluster)?.cluster ?? doc.clusters?.[0]?.cluster;
  const user = (doc.users ?? []).find((u) => u.name === context?.user)?.user ?? doc.users?.[0]?.user ?? {};
  if (!cluster || typeof cluster.server !== "string")
    throw new Error(`${path}: the kubeconfig has no current cluster`);
  const base = dirname(path);
  const bytes = (data: unknown, file: unknown): Buffer | undefined => {
    if (typeof data === "string") return Buffer.from(data, "base64");
    if (typeof file === "string") return readFileSync(isAbsolute(file) ? file : join(base, file));
    return undefined;
  };
  const ca = bytes(cluster["certificate-authority-data"], cluster["certificate-authority"]);
  const cert = bytes(user["client-certificate-data"], user["client-certificate"]);
  const key = bytes(user["client-key-data"], user["client-key"]);
  const tokenFile = user.tokenFile;
  const token =
    typeof user.token === "string"
      ? user.token
      : typeof tokenFile === "string"
        ? readFileSync(tokenFile, "utf8").trim()
        : undefined;
  return {
    server: cluster.server,
    insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(token ? { token } : {}),
  };
}
