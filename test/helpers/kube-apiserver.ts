/**
 * A real kube-apiserver backed by a real etcd, for tests that need the API's own validation,
 * server-side apply and CRD handling. Both run in the host's network namespace but bind only
 * 127.0.0.1 on free ports; the service network is a loopback range (127.77.0.0/16), so a call
 * the API server makes to a Service (an admission webhook) stays on this machine. No
 * controller-manager and no kubelet: objects are stored, nothing runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { kubeClientFromFile } from "../../src/k8s/client.js";
import { waitForApi } from "../../src/k8s/wait.js";
import { VERSIONS } from "../../src/versions.js";
import { componentBinary, k8sBinary } from "./k8s-bin.js";

export interface TestApiServer {
  /** A kubeconfig with cluster-admin rights (system:masters). */
  readonly kubeconfig: string;
  /** Everything both processes wrote, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/** A TCP port free now on 127.0.0.1 (the kernel picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  return address.port;
}

function kubeadmConfig(dir: string, port: number): string {
  // kubeadm refuses a loopback advertise address; 192.0.2.1 (TEST-NET-1) only ends up in the
  // certificate and the `kubernetes` Endpoints, and nothing dials it. 127.0.0.1 is a SAN.
  return `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint: {advertiseAddress: 192.0.2.1, bindPort: ${port}}
nodeRegistration: {name: apitest}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: ${VERSIONS.kubernetes}
controlPlaneEndpoint: 127.0.0.1:${port}
certificatesDir: ${join(dir, "pki")}
networking: {serviceSubnet: 127.77.0.0/16}
apiServer: {certSANs: ["127.0.0.1"]}
`;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await gone;
  clearTimeout(timer);
}

export async function startApiServer(): Promise<TestApiServer> {
  const dir = await mkdtemp(join(tmpdir(), "onekube-apiserver-"));
  const children: ChildProcess[] = [];
  let output = "";
  const start = (file: string, args: string[]) => {
    const child = spawn(file, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    children.push(child);
  };
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [apiPort, clientPort, peerPort] = [await freePort(), await freePort(), await freePort()];
    await writeFile(join(dir, "kubeadm.yaml"), kubeadmConfig(dir, apiPort));
    const kubeadm = k8sBinary("kubeadm");
    await execa(kubeadm, ["init", "phase", "certs", "all", "--config", "kubeadm.yaml"], { cwd: dir });
    await execa(
      kubeadm,
      ["init", "phase", "kubeconfig", "super-admin", "--config", "kubeadm.yaml", "--kubeconfig-dir", dir],
      { cwd: dir },
    );
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    start(componentBinary("etcd", "etcd"), [
      "--name=t",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=t=${peerUrl}`,
    ]);
    const pki = (f: string) => join(dir, "pki", f);
    start(k8sBinary("kube-apiserver"), [
      "--advertise-address=192.0.2.1",
      "--bind-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--etcd-servers=${etcdUrl}`,
      `--client-ca-file=${pki("ca.crt")}`,
      `--tls-cert-file=${pki("apiserver.crt")}`,
      `--tls-private-key-file=${pki("apiserver.key")}`,
      `--service-account-key-file=${pki("sa.pub")}`,
      `--service-account-signing-key-file=${pki("sa.key")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      "--service-cluster-ip-range=127.77.0.0/16",
      "--authorization-mode=Node,RBAC",
      // As kubeadm runs it: Canal's and Longhorn's pods are privileged.
      "--allow-privileged=true",
    ]);
    const kubeconfig = join(dir, "super-admin.conf");
    const client = kubeClientFromFile(kubeconfig);
    try {
      await waitForApi(client, { timeoutMs: 60_000 });
    } finally {
      client.close();
    }
    return { kubeconfig, logs: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`the test API server did not start: ${String(error)}\n${output.slice(-3000)}`);
  }
}
