import { ipv4ToInt, isIpv4 } from "../params/ipv4.js";
import type { RenderedFile } from "./files.js";

export interface HaproxyInput {
  /** The control-plane endpoint address (ONEAPP_VNF_LB0_IP). */
  readonly vip: string;
  /** The endpoint port clients use; masters may listen on another one. */
  readonly port: number;
  readonly backends: readonly { readonly address: string; readonly port: number }[];
  /** The admin socket; each local-cloud VM has its own run directory. */
  readonly statsSocket?: string;
}

interface Server {
  readonly name: string;
  readonly address: string;
  readonly port: number;
}

interface HaproxyModel {
  readonly statsSocket: string;
  /** Frontend and backend share it, as OneKE's `lb<n>_<port>` does, so stats read the same. */
  readonly proxyName: string;
  readonly bind: string;
  readonly servers: readonly Server[];
}

const PATH = "haproxy/haproxy.cfg";
const DEFAULT_SOCKET = "/run/haproxy/admin.sock";

function assertAddress(field: string, value: string): void {
  if (!isIpv4(value)) throw new Error(`renderHaproxy: ${field} is not an IPv4 address: "${value}"`);
}

function assertPort(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`renderHaproxy: ${field} must be an integer 1..65535, got ${value}`);
  }
}

/** Programmer errors only: user input was validated in src/params. */
function check(input: HaproxyInput): void {
  assertAddress("vip", input.vip);
  assertPort("port", input.port);
  for (const [i, b] of input.backends.entries()) {
    assertAddress(`backends[${i}].address`, b.address);
    assertPort(`backends[${i}].port`, b.port);
  }
  const socket = input.statsSocket;
  if (socket !== undefined && !/^\/[^\s#"'\\]+$/.test(socket)) {
    throw new Error(
      `renderHaproxy: statsSocket must be an absolute path without blanks or quotes: "${socket}"`,
    );
  }
}

/** Sorted by address then port, duplicates dropped; names stay unique when a master has two ports. */
function servers(backends: HaproxyInput["backends"]): Server[] {
  const sorted = [...backends].sort((a, b) => ipv4ToInt(a.address) - ipv4ToInt(b.address) || a.port - b.port);
  const unique = sorted.filter(
    (b, i) => i === 0 || b.address !== sorted[i - 1]?.address || b.port !== sorted[i - 1]?.port,
  );
  return unique.map((b) => {
    const base = `master-${b.address.replaceAll(".", "-")}`;
    const shared = unique.filter((o) => o.address === b.address).length > 1;
    return { name: shared ? `${base}-${b.port}` : base, address: b.address, port: b.port };
  });
}

function model(input: HaproxyInput): HaproxyModel {
  return {
    statsSocket: input.statsSocket ?? DEFAULT_SOCKET,
    proxyName: `lb0_${input.port}`,
    bind: `${input.vip}:${input.port}`,
    servers: servers(input.backends),
  };
}

function print(m: HaproxyModel): string {
  const lines = [
    "# Rendered by onekube for the vnf role; local edits are overwritten.",
    "global",
    // The agent supervises HAProxy and collects its stderr; no daemon, chroot or syslog here.
    "    log stderr format raw local0",
    "    maxconn 2000",
    // The agent creates the socket's directory; expose-fd lets a reload take over the listeners.
    `    stats socket ${m.statsSocket} mode 600 level admin expose-fd listeners`,
    "    stats timeout 30s",
    "",
    "defaults",
    "    mode tcp",
    "    log global",
    "    option tcplog",
    "    option dontlognull",
    "    retries 3",
    "    option redispatch",
    "    timeout connect 5s",
    // kube-apiserver ends watches after 30-60 min; shorter idle timeouts would cut kubectl watches.
    "    timeout client 1h",
    "    timeout server 1h",
    "",
    // Said in the file too, for whoever reads it on a VNF wondering how the BACKUP binds the VIP.
    "# The VIP lives on one VNF at a time; the agent sets net.ipv4.ip_nonlocal_bind=1 so HAProxy",
    "# runs on the BACKUP VNF too and serves as soon as keepalived moves the VIP to it.",
    `frontend ${m.proxyName}`,
    `    bind ${m.bind}`,
    `    default_backend ${m.proxyName}`,
    "",
    `backend ${m.proxyName}`,
    "    balance roundrobin",
    // A hung or frozen API server still completes the TCP handshake, so a master stays in
    // rotation only while it answers /readyz (anonymous, kubeadm's default) over TLS: checked every
    // 0.5 s, 0.5 s to answer, out after 2 failures (within about 2 s), back after 2 successes.
    "    option httpchk",
    "    http-check send meth GET uri /readyz",
    "    http-check expect status 200",
    "    timeout check 500ms",
    // Closing sessions on a dead master makes clients reconnect through a live one.
    "    default-server check-ssl verify none inter 500ms fastinter 250ms downinter 1s fall 2 rise 2 on-marked-down shutdown-sessions",
    ...(m.servers.length === 0 ? ["    # no master has published a backend yet"] : []),
    ...m.servers.map((s) => `    server ${s.name} ${s.address}:${s.port} check`),
  ];
  return `${lines.join("\n")}\n`;
}

/** haproxy.cfg for a vnf VM: one TCP frontend on the endpoint, round-robin over the masters. */
export function renderHaproxy(input: HaproxyInput): RenderedFile {
  check(input);
  return { path: PATH, content: print(model(input)) };
}
