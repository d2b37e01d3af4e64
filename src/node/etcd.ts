/**
 * The stacked etcd's membership, read and changed through etcd's JSON gateway on this master
 * with kubeadm's etcd client certificate: no etcdctl is needed on the node.
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";

const PKI = "/etc/kubernetes/pki/etcd";

export interface EtcdMember {
  readonly id: string;
  readonly name: string;
}

function call(path: string, body: unknown): Promise<unknown> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `https://127.0.0.1:2379${path}`,
      {
        method: "POST",
        ca: readFileSync(`${PKI}/ca.crt`),
        cert: readFileSync(`${PKI}/healthcheck-client.crt`),
        key: readFileSync(`${PKI}/healthcheck-client.key`),
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) },
        timeout: 10_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          text += c;
        });
        res.on("end", () => {
          if (res.statusCode !== 200)
            reject(new Error(`etcd ${path}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          else resolve(JSON.parse(text) as unknown);
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`etcd ${path}: no answer within 10 s`)));
    req.on("error", reject);
    req.end(payload);
  });
}

export async function etcdMembers(): Promise<EtcdMember[]> {
  const r = (await call("/v3/cluster/member/list", {})) as { members?: { ID: string; name?: string }[] };
  return (r.members ?? []).map((m) => ({ id: m.ID, name: m.name ?? "" }));
}

export async function removeEtcdMember(id: string): Promise<void> {
  await call("/v3/cluster/member/remove", { ID: id });
}
