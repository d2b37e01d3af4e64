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

/**
 * A control-plane join in kubeadm's own phases, split where etcd's rule falls: what touches no
 * etcd member runs at once on every joining master (preflight, certificates, manifests, kubelet's
 * settings), etcd grows by one member at a time, and each master finishes on its own after that.
 */
export const CONTROL_PLANE_JOIN = {
  prepare: ["preflight", "control-plane-prepare all", "kubelet-start"],
  etcd: ["etcd-join"],
  // Not wait-control-plane: it takes no configuration and, run alone, cannot tell a control-plane
  // join from a node's, so it waits for nothing; the agent's node-health phase waits instead.
  finish: ["kubelet-wait-bootstrap", "control-plane-join all"],
} as const;

/**
 * The control-plane images (what `kubeadm config images list` names), pulled through the CRI as
 * kubeadm's preflight would: a joining master starts this while the first one initialises, so
 * that its own preflight finds them present.
 */
export async function pullControlPlaneImages(exec: Exec, version: string, criSocket: string): Promise<void> {
  await exec.run(
    "kubeadm",
    ["config", "images", "pull", "--kubernetes-version", version, "--cri-socket", criSocket],
    { operation: "pull the control-plane images", timeoutMs: 10 * 60_000 },
  );
}

/** One phase of `kubeadm join` (`control-plane-prepare all`: a phase and its subphase). */
export async function kubeadmJoinStep(exec: Exec, config: string, phase: string): Promise<void> {
  const args = ["join", "phase", ...phase.split(" "), "--config", config];
  await exec.run("kubeadm", [...args, ...(phase === "preflight" ? [PREFLIGHT] : []), "-v=1"], {
    operation: `kubeadm join phase ${phase}`,
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
