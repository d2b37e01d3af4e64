import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { kubectl } from "./kubectl.js";

/** The etcd image (built by onekube, served by the cloud's registry) as a small HTTP server: GET /version. */
export const HTTP_IMAGE = "registry.k8s.io/etcd:3.6.8-0";

/** A Deployment of `replicas` HTTP servers on port 2379 spread over nodes, and a Service of `type` on port 80. */
export async function deployHttp(
  kubeconfig: string,
  dir: string,
  o: { name: string; replicas: number; type: "ClusterIP" | "LoadBalancer" },
): Promise<void> {
  const labels = { app: o.name };
  const objects = [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: o.name, namespace: "default" },
      spec: {
        replicas: o.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: "kubernetes.io/hostname",
                whenUnsatisfiable: "DoNotSchedule",
                labelSelector: { matchLabels: labels },
              },
            ],
            containers: [
              {
                name: "http",
                image: HTTP_IMAGE,
                command: [
                  "/usr/local/bin/etcd",
                  "--data-dir=/data",
                  "--listen-client-urls=http://0.0.0.0:2379",
                  "--advertise-client-urls=http://127.0.0.1:2379",
                  "--listen-peer-urls=http://127.0.0.1:2380",
                ],
                ports: [{ containerPort: 2379 }],
                readinessProbe: { httpGet: { path: "/version", port: 2379 }, periodSeconds: 2 },
                volumeMounts: [{ name: "data", mountPath: "/data" }],
              },
            ],
            volumes: [{ name: "data", emptyDir: {} }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: o.name, namespace: "default" },
      spec: { type: o.type, selector: labels, ports: [{ port: 80, targetPort: 2379 }] },
    },
  ];
  const file = join(dir, `${o.name}.json`);
  await writeFile(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
  const r = await kubectl(kubeconfig, ["apply", "-f", file]);
  if (r.code !== 0) throw new Error(`kubectl apply ${o.name}: ${r.stderr}`);
}

export interface PodInfo {
  name: string;
  namespace: string;
  node: string;
  ip: string;
  phase: string;
  ready: boolean;
  images: string[];
  waiting: string[];
  restarts: number;
}

export async function pods(kubeconfig: string, args: readonly string[]): Promise<PodInfo[] | undefined> {
  const r = await kubectl(kubeconfig, ["get", "pods", ...args, "-o", "json"]);
  if (r.code !== 0) return undefined;
  type Status = { ready: boolean; restartCount?: number; state?: { waiting?: { reason?: string } } };
  const items = (
    JSON.parse(r.stdout) as {
      items: {
        metadata: { name: string; namespace: string };
        spec: { nodeName?: string; containers: { image: string }[] };
        status: {
          phase: string;
          podIP?: string;
          containerStatuses?: Status[];
          initContainerStatuses?: Status[];
        };
      }[];
    }
  ).items;
  return items.map((p) => {
    const statuses = [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])];
    return {
      name: p.metadata.name,
      namespace: p.metadata.namespace,
      node: p.spec.nodeName ?? "",
      ip: p.status.podIP ?? "",
      phase: p.status.phase,
      ready:
        (p.status.containerStatuses ?? []).length > 0 &&
        (p.status.containerStatuses ?? []).every((c) => c.ready),
      images: p.spec.containers.map((c) => c.image),
      waiting: statuses.flatMap((s) => (s.state?.waiting?.reason ? [s.state.waiting.reason] : [])),
      restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    };
  });
}
