import { ipv4ToInt, isIpv4 } from "../params/ipv4.js";
import type { RenderedFile } from "./files.js";
import { nodeName } from "./names.js";

/** A master's kube-apiserver as the VNF reaches it. */
export interface Backend {
  readonly address: string;
  readonly port: number;
}

/** What keepalived does besides holding the VIP: nothing (HAProxy forwards) or LVS NAT. */
export type KeepalivedLoadBalancer =
  | {
      readonly mode: "lvs";
      /** The endpoint port (ONEAPP_K8S_PORT) clients connect to on the VIP. */
      readonly port: number;
      readonly backends: readonly Backend[];
      /** IPVS scheduler; `wlc`, as the 1.23 VNF defaulted to, when absent. */
      readonly scheduler?: "wlc" | "rr";
    }
  | { readonly mode: "haproxy" };

export interface KeepalivedInput {
  /** The VM's service NIC, e.g. `eth0`. */
  readonly interface: string;
  /** The control-plane endpoint (ONEAPP_VNF_LB0_IP) and the prefix of its network. */
  readonly vip: { readonly address: string; readonly prefix: number };
  readonly virtualRouterId: number;
  readonly selfAddress: string;
  /** The vnf VMs' addresses; this VM's own address may be included, it is dropped. */
  readonly peers: readonly string[];
  readonly priority?: number;
  /** Seconds between adverts, down to 0.01 (VRRPv3's centiseconds). */
  readonly advertInterval?: number;
  readonly loadBalancer: KeepalivedLoadBalancer;
  /** Run on every VRRP state change with `TYPE NAME STATE PRIORITY`; the agent learns MASTER/BACKUP from it. */
  readonly notifyScript?: string;
}

interface VrrpInstance {
  readonly name: string;
  readonly interface: string;
  readonly virtualRouterId: number;
  readonly priority: number;
  readonly advertInterval: number;
  /** Absent for a lone VNF: keepalived refuses unicast keywords without peers. */
  readonly unicast?: { readonly source: string; readonly peers: readonly string[] };
  readonly vip: string;
}

interface VirtualServer {
  readonly address: string;
  readonly port: number;
  readonly scheduler: "wlc" | "rr";
  readonly realServers: readonly Backend[];
}

interface KeepalivedModel {
  readonly routerId: string;
  readonly instance: VrrpInstance;
  readonly notifyScript?: string;
  /** `undefined` when LVS is off; an empty list of real servers is printed as a comment. */
  readonly virtualServer?: VirtualServer;
}

const PATH = "keepalived/keepalived.conf";
/**
 * A master is a real server while its API server answers /readyz (anonymous, as kubeadm sets it
 * up) over TLS: checked every 0.5 s, 0.5 s to answer, out after 2 failures in a row (a frozen or
 * not-ready API server leaves within about 2 s), back after one success.
 */
const HEALTH = { delayLoop: 0.5, connectTimeout: 0.5, retries: 1, delayBeforeRetry: 0.25, path: "/readyz" };
/**
 * VRRPv3 adverts every 0.2 s: a BACKUP takes the VIP 3 adverts plus its skew (~0.7 s) after the
 * MASTER's last one, which is how long a crash (no goodbye advert) leaves the endpoint unheld.
 */
const ADVERT_INTERVAL = 0.2;
const IFNAME = /^[A-Za-z0-9_.@:-]{1,15}$/;

function assertInt(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`renderKeepalived: ${field} must be an integer ${min}..${max}, got ${value}`);
  }
}

function assertAddress(field: string, value: string): void {
  if (!isIpv4(value)) throw new Error(`renderKeepalived: ${field} is not an IPv4 address: "${value}"`);
}

/** Numeric address order, then port; exact duplicates dropped (keepalived refuses them). */
function sortBackends(backends: readonly Backend[]): Backend[] {
  const sorted = [...backends].sort((a, b) => ipv4ToInt(a.address) - ipv4ToInt(b.address) || a.port - b.port);
  return sorted.filter(
    (b, i) => i === 0 || b.address !== sorted[i - 1]?.address || b.port !== sorted[i - 1]?.port,
  );
}

/** Programmer errors only: user input was validated in src/params. */
function check(input: KeepalivedInput): void {
  if (!IFNAME.test(input.interface)) {
    throw new Error(`renderKeepalived: interface is not a Linux NIC name: "${input.interface}"`);
  }
  assertAddress("vip.address", input.vip.address);
  assertInt("vip.prefix", input.vip.prefix, 1, 32);
  assertInt("virtualRouterId", input.virtualRouterId, 1, 255);
  assertAddress("selfAddress", input.selfAddress);
  for (const [i, p] of input.peers.entries()) assertAddress(`peers[${i}]`, p);
  // 255 means "owns the VIP" in VRRP, which contradicts state BACKUP.
  if (input.priority !== undefined) assertInt("priority", input.priority, 1, 254);
  const advert = input.advertInterval;
  if (advert !== undefined && !(Number.isInteger(advert * 100) && advert >= 0.01 && advert <= 40.95)) {
    throw new Error(`renderKeepalived: advertInterval must be 0.01..40.95 s in centiseconds, got ${advert}`);
  }
  if (input.loadBalancer.mode === "lvs") {
    assertInt("loadBalancer.port", input.loadBalancer.port, 1, 65535);
    for (const [i, b] of input.loadBalancer.backends.entries()) {
      assertAddress(`loadBalancer.backends[${i}].address`, b.address);
      assertInt(`loadBalancer.backends[${i}].port`, b.port, 1, 65535);
    }
  }
}

function model(input: KeepalivedInput): KeepalivedModel {
  const others = new Set(input.peers.filter((p) => p !== input.selfAddress));
  const peers = [...others].sort((a, b) => ipv4ToInt(a) - ipv4ToInt(b));
  const lb = input.loadBalancer;
  return {
    routerId: nodeName(input.selfAddress),
    instance: {
      name: "onekube_endpoint",
      interface: input.interface,
      virtualRouterId: input.virtualRouterId,
      priority: input.priority ?? 100,
      advertInterval: input.advertInterval ?? ADVERT_INTERVAL,
      ...(peers.length > 0 ? { unicast: { source: input.selfAddress, peers } } : {}),
      vip: `${input.vip.address}/${input.vip.prefix}`,
    },
    ...(input.notifyScript ? { notifyScript: input.notifyScript } : {}),
    ...(lb.mode === "lvs"
      ? {
          virtualServer: {
            address: input.vip.address,
            port: lb.port,
            scheduler: lb.scheduler ?? "wlc",
            realServers: sortBackends(lb.backends),
          },
        }
      : {}),
  };
}

function printVirtualServer(vs: VirtualServer): string[] {
  if (vs.realServers.length === 0) {
    // `keepalived -t` rejects a virtual_server without real_server, so the block waits for a master.
    return [`# virtual_server ${vs.address} ${vs.port} omitted: no master has published a backend yet`];
  }
  return [
    "# NAT, not DR: the masters do not hold the VIP, so their replies must route back through the VNF.",
    "# A master serves while its API server answers /readyz: a frozen or not-ready one is out in ~2 s.",
    `virtual_server ${vs.address} ${vs.port} {`,
    `    delay_loop ${HEALTH.delayLoop}`,
    `    lb_algo ${vs.scheduler}`,
    "    lb_kind NAT",
    "    protocol TCP",
    ...vs.realServers.flatMap((rs) => [
      `    real_server ${rs.address} ${rs.port} {`,
      "        SSL_GET {",
      "            url {",
      `                path ${HEALTH.path}`,
      "                status_code 200",
      "            }",
      `            connect_port ${rs.port}`,
      `            connect_timeout ${HEALTH.connectTimeout}`,
      `            retry ${HEALTH.retries}`,
      `            delay_before_retry ${HEALTH.delayBeforeRetry}`,
      "        }",
      "    }",
    ]),
    "}",
  ];
}

function print(m: KeepalivedModel): string {
  const i = m.instance;
  const lines = [
    "# Rendered by onekube for the vnf role; local edits are overwritten.",
    "global_defs {",
    `    router_id ${m.routerId}`,
    // Sub-second adverts need VRRPv3 (centiseconds); v3 has no authentication: peers are unicast.
    "    vrrp_version 3",
    // keepalived runs notify scripts only as a named user and refuses scripts others could edit.
    ...(m.notifyScript ? ["    script_user root", "    enable_script_security"] : []),
    "}",
    "",
    `vrrp_instance ${i.name} {`,
    // Every VNF starts as BACKUP and never preempts, so a returning VNF does not steal the VIP back.
    "    state BACKUP",
    "    nopreempt",
    `    interface ${i.interface}`,
    `    virtual_router_id ${i.virtualRouterId}`,
    `    priority ${i.priority}`,
    `    advert_int ${i.advertInterval}`,
    // Gratuitous ARP at once on becoming MASTER, again a second later, and every minute after:
    // clients and switches follow the VIP without waiting for their ARP caches to expire.
    "    garp_master_delay 1",
    "    garp_master_repeat 3",
    "    garp_master_refresh 60",
    ...(i.unicast
      ? [
          `    unicast_src_ip ${i.unicast.source}`,
          "    unicast_peer {",
          ...i.unicast.peers.map((p) => `        ${p}`),
          "    }",
        ]
      : ["    # single VNF: no unicast peers, keepalived refuses unicast keywords without any"]),
    "    virtual_ipaddress {",
    `        ${i.vip} dev ${i.interface}`,
    "    }",
    ...(m.notifyScript ? [`    notify "${m.notifyScript}"`] : []),
    "}",
    ...(m.virtualServer ? ["", ...printVirtualServer(m.virtualServer)] : []),
  ];
  return `${lines.join("\n")}\n`;
}

/** keepalived.conf for a vnf VM: the endpoint VIP over unicast VRRP, plus LVS NAT in `lvs` mode. */
export function renderKeepalived(input: KeepalivedInput): RenderedFile {
  check(input);
  return { path: PATH, content: print(model(input)) };
}
