/**
 * kubeadm as the agent runs it. Preflight checks that cannot pass on every machine the service
 * runs on are skipped by name (no systemd to manage kubelet, swap on small VMs, kernel config
 * not readable in a namespace); every other check still stops a bad node.
 */
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Exec } from "../host/exec.js";

export const IGNORED_PREFLIGHT = ["Swap", "SystemVerification", "Service-Kubelet", "FileExisting-crictl"];

const PREFLIGHT = `--ignore-preflight-errors=${IGNORED_PREFLIGHT.join(",")}`;

/** A fresh bootstrap token and certificate key, as kubeadm itself makes them. */
export async function generateMaterial(exec: Exec): Promise<{ token: string; certificateKey: string }> {
  const token = (
    await exec.run("kubeadm", ["token", "generate"], { operation: "generate a bootstrap token" })
  ).stdout.trim();
  const certificateKey = (
    await exec.run("kubeadm", ["certs", "certificate-key"], { operation: "generate a certificate key" })
  ).stdout.trim();
  return { token, certificateKey };
}

/** The discovery hash of a CA: SHA-256 of its SubjectPublicKeyInfo, hex, no `sha256:` prefix. */
export function caCertHash(pemFile: string): string {
  const spki = new X509Certificate(readFileSync(pemFile)).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("hex");
}

export async function kubeadmInit(exec: Exec, config: string): Promise<void> {
  await exec.run("kubeadm", ["init", "--config", config, "--upload-certs", PREFLIGHT, "-v=1"], {
    operation: "kubeadm init",
    timeoutMs: 10 * 60_000,
  });
}

export async function kubeadmJoin(exec: Exec, config: string): Promise<void> {
  await exec.run("kubeadm", ["join", "--config", config, PREFLIGHT, "-v=1"], {
    operation: "kubeadm join",
    timeoutMs: 10 * 60_000,
  });
}

/** Undoes a half-done init or join so the next attempt starts clean (and leaves etcd if it joined). */
export async function kubeadmReset(exec: Exec): Promise<{ ok: boolean; output: string }> {
  const r = await exec.run("kubeadm", ["reset", "--force"], {
    operation: "kubeadm reset",
    allowFailure: true,
  });
  return { ok: r.exitCode === 0, output: `${r.stdout}\n${r.stderr}`.trim() };
}

/** Uploads the control-plane certificates again under a new key (the old upload lives 2 hours). */
export async function uploadCerts(exec: Exec, certificateKey: string): Promise<void> {
  await exec.run(
    "kubeadm",
    ["init", "phase", "upload-certs", "--upload-certs", "--certificate-key", certificateKey],
    { operation: "re-upload the control-plane certificates", timeoutMs: 120_000 },
  );
}

export async function createToken(exec: Exec, token: string, ttl: string): Promise<void> {
  await exec.run("kubeadm", ["token", "create", token, "--ttl", ttl], {
    operation: "create a bootstrap token",
    timeoutMs: 120_000,
  });
}
