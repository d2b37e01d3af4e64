/**
 * The health endpoints a node's parts serve, as kubeadm's own checks read them: kubelet's
 * healthz, the API server's livez (open to anonymous clients), etcd's metrics-port health.
 */
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";

/** Status code and body of a GET; undefined when nothing answers. The API server's certificate is not checked: only liveness is asked. */
export function probe(url: string, timeoutMs = 3000): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const get = url.startsWith("https:") ? httpsGet : httpGet;
    const req = get(url, { timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", () => resolve(undefined));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
  });
}

export interface HealthCheck {
  readonly name: string;
  readonly url: string;
  readonly ok: (r: { status: number; body: string }) => boolean;
}

export function nodeChecks(controlPlane: boolean, address: string, apiPort: number): HealthCheck[] {
  const okStatus = (r: { status: number }) => r.status === 200;
  return [
    { name: "kubelet", url: "http://127.0.0.1:10248/healthz", ok: okStatus },
    ...(controlPlane
      ? [
          { name: "kube-apiserver", url: `https://${address}:${apiPort}/livez`, ok: okStatus },
          {
            name: "etcd",
            url: "http://127.0.0.1:2381/health",
            ok: (r: { status: number; body: string }) =>
              r.status === 200 && /"health":\s*"true"/.test(r.body),
          },
        ]
      : []),
  ];
}

/** The checks that fail now (empty: healthy). */
export async function failing(checks: readonly HealthCheck[]): Promise<string[]> {
  const results = await Promise.all(checks.map(async (c) => ({ c, r: await probe(c.url) })));
  return results.filter(({ c, r }) => !r || !c.ok(r)).map(({ c }) => c.name);
}

/** kube-proxy's health endpoint (kubeadm's KubeProxyConfiguration keeps its default bind address). */
export const KUBE_PROXY_HEALTHZ = "http://127.0.0.1:10256/healthz";

/**
 * Whether kube-proxy has programmed the node's service rules at least once. Its healthz answers 200
 * from the moment it starts ("healthy while it's starting up"), so the status code says nothing;
 * each proxier's entry in `status` appears with its first completed sync.
 */
export function kubeProxySynced(body: string): boolean {
  let health: unknown;
  try {
    health = JSON.parse(body);
  } catch {
    return false;
  }
  const status = (health as { status?: Record<string, { lastUpdated?: string }> } | null)?.status;
  if (!status || typeof status !== "object") return false;
  return Object.values(status).some(
    (p) => typeof p?.lastUpdated === "string" && !p.lastUpdated.startsWith("0001-01-01"),
  );
}
