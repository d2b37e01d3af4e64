import {
  absolutePath,
  cidr,
  devicePath,
  fromParser,
  fsLabel,
  integer,
  interfaceList,
  ipv4WithPort,
  type Kind,
  oneOf,
  port,
  registryHost,
  yesNo,
} from "./kinds.js";
import { parseLoadBalancerConfig, parseRangeList } from "./loadbalancer.js";
import type { Role } from "./types.js";

/** How OneFlow asks for a value (`M|type|description|params|default`). */
export type UserInputType = "text" | "text64" | "number" | "boolean" | "list";

export interface ParamSpec<T> {
  readonly mandatory: boolean;
  readonly default: string | undefined;
  readonly stage: "configure";
  readonly roles: readonly Role[];
  /** Where the reference lists it: service-wide custom attribute, or a role's VM template. */
  readonly scope: "service" | "vnf" | "storage";
  /** What the value looks like, for people. */
  readonly type: string;
  readonly description: string;
  readonly input: { readonly type: UserInputType; readonly options?: string };
  readonly kind: Kind<T>;
  /** Added by onekube beside the reference's parameters (documented as such). */
  readonly extension?: boolean;
}

function param<T>(spec: ParamSpec<T>): ParamSpec<T> {
  return spec;
}

const K8S_ROLES: readonly Role[] = ["master", "worker", "storage"];

/**
 * Every parameter of the reference, in its order. Validation, defaults, the README table,
 * the OneFlow user inputs and `--help` are all generated from this table.
 */
export const catalogue = {
  ONEAPP_VNF_LB0_IP: param({
    mandatory: true,
    default: undefined,
    stage: "configure",
    roles: ["vnf", ...K8S_ROLES],
    scope: "service",
    type: "IPv4[:PORT]",
    description: "Control Plane Endpoint (I.P.V.4[:PORT]); the port defaults to ONEAPP_K8S_PORT",
    input: { type: "text" },
    kind: ipv4WithPort,
  }),
  ONEAPP_K8S_PORT: param({
    mandatory: false,
    default: "6443",
    stage: "configure",
    // The VNF forwards the endpoint to this port on every master, as the 1.23 VNF template did.
    roles: ["vnf", ...K8S_ROLES],
    scope: "service",
    type: "port 1-65535",
    description: "Kubernetes API port on which nodes communicate",
    input: { type: "number" },
    kind: port,
  }),
  ONEAPP_K8S_PODS_NETWORK: param({
    mandatory: false,
    default: "10.244.0.0/16",
    stage: "configure",
    roles: K8S_ROLES,
    scope: "service",
    type: "IPv4 CIDR",
    description: "Kubernetes pod network - pods will have IP from this range",
    input: { type: "text" },
    kind: cidr,
  }),
  ONEAPP_K8S_LOADBALANCER_RANGE: param({
    mandatory: false,
    default: undefined,
    stage: "configure",
    roles: K8S_ROLES,
    scope: "service",
    type: "A-B or CIDR, several separated by commas or spaces",
    description: "LoadBalancer IP range",
    input: { type: "text" },
    kind: fromParser("invalid_range", parseRangeList),
  }),
  ONEAPP_K8S_LOADBALANCER_CONFIG: param({
    mandatory: false,
    default: undefined,
    stage: "configure",
    roles: K8S_ROLES,
    scope: "service",
    type: "base64 of YAML: MetalLB ConfigMap or MetalLB resources",
    description: "Custom LoadBalancer config (encoded in Base64)",
    input: { type: "text64" },
    kind: fromParser("invalid_loadbalancer_config", parseLoadBalancerConfig),
  }),
  ONEAPP_K8S_REGISTRY_MIRROR: param({
    mandatory: false,
    default: undefined,
    stage: "configure",
    roles: K8S_ROLES,
    scope: "service",
    type: "host[:port] or http://host[:port]",
    description:
      "Registry every node pulls all images from instead of registry.k8s.io, docker.io, quay.io and ghcr.io, with no fallback to them (load it with `onekube images push`); HTTPS unless written http://; empty: pull from upstream",
    input: { type: "text" },
    kind: registryHost,
    extension: true,
  }),
  ONEAPP_VNF_DNS_ENABLED: param({
    mandatory: false,
    default: "NO",
    stage: "configure",
    roles: ["vnf"],
    scope: "vnf",
    type: "YES|NO",
    description: "Run a DNS recursor on the VNF",
    input: { type: "boolean" },
    kind: yesNo,
  }),
  ONEAPP_VNF_DNS_INTERFACES: param({
    mandatory: false,
    default: undefined,
    stage: "configure",
    roles: ["vnf"],
    scope: "vnf",
    type: "interface names",
    description: "Interfaces the DNS recursor listens on (empty: all)",
    input: { type: "text" },
    kind: interfaceList,
  }),
  ONEAPP_VNF_DNS_MAX_CACHE_TTL: param({
    mandatory: false,
    default: "3600",
    stage: "configure",
    roles: ["vnf"],
    scope: "vnf",
    type: "seconds, positive integer",
    description: "Longest time the DNS recursor caches an answer",
    input: { type: "number" },
    kind: integer(1),
  }),
  ONEAPP_VNF_DNS_USE_ROOTSERVERS: param({
    mandatory: false,
    default: "YES",
    stage: "configure",
    roles: ["vnf"],
    scope: "vnf",
    type: "YES|NO",
    description: "Resolve from the root servers instead of forwarding",
    input: { type: "boolean" },
    kind: yesNo,
  }),
  ONEAPP_VNF_LB_REFRESH_RATE: param({
    mandatory: false,
    default: "30",
    stage: "configure",
    roles: ["vnf"],
    scope: "vnf",
    type: "seconds, positive integer",
    description: "How often the load balancer re-reads its backends (the masters) from OneGate",
    input: { type: "number" },
    kind: integer(1),
  }),
  ONEAPP_VNF_LB_BACKEND: param({
    mandatory: false,
    default: "auto",
    stage: "configure",
    roles: ["vnf"],
    scope: "vnf",
    type: "auto|lvs|haproxy",
    description:
      "Load balancer of the endpoint: haproxy (TCP mode, works on any network), lvs (keepalived LVS-NAT; needs IP_VS and masters whose replies route through the VNF), or auto (haproxy)",
    input: { type: "list", options: "auto,lvs,haproxy" },
    kind: oneOf(["auto", "lvs", "haproxy"] as const),
    extension: true,
  }),
  ONEAPP_VNF_NAT4_ENABLED: param({
    mandatory: false,
    default: "NO",
    stage: "configure",
    roles: ["vnf"],
    scope: "vnf",
    type: "YES|NO",
    description: "Masquerade IPv4 traffic leaving ONEAPP_VNF_NAT4_INTERFACES_OUT",
    input: { type: "boolean" },
    kind: yesNo,
  }),
  ONEAPP_VNF_NAT4_INTERFACES_OUT: param({
    mandatory: false,
    default: undefined,
    stage: "configure",
    roles: ["vnf"],
    scope: "vnf",
    type: "interface names",
    description: "Outgoing interfaces for NAT4",
    input: { type: "text" },
    kind: interfaceList,
  }),
  ONEAPP_VNF_ROUTER4_ENABLED: param({
    mandatory: false,
    default: "NO",
    stage: "configure",
    roles: ["vnf"],
    scope: "vnf",
    type: "YES|NO",
    description: "Forward IPv4 between ONEAPP_VNF_ROUTER4_INTERFACES",
    input: { type: "boolean" },
    kind: yesNo,
  }),
  ONEAPP_VNF_ROUTER4_INTERFACES: param({
    mandatory: false,
    default: undefined,
    stage: "configure",
    roles: ["vnf"],
    scope: "vnf",
    type: "interface names",
    description: "Interfaces to route between (empty: all)",
    input: { type: "text" },
    kind: interfaceList,
  }),
  ONEAPP_STORAGE_DEVICE: param({
    mandatory: true,
    default: "/dev/vdb",
    stage: "configure",
    roles: ["storage"],
    scope: "storage",
    type: "absolute /dev path",
    description: "Path to the attached dedicated storage disk",
    input: { type: "text" },
    kind: devicePath,
  }),
  ONEAPP_STORAGE_FILESYSTEM: param({
    mandatory: false,
    default: "xfs",
    stage: "configure",
    roles: ["storage"],
    scope: "storage",
    type: "xfs|ext4",
    description: "Filesystem type to create (xfs or ext4)",
    input: { type: "list", options: "xfs,ext4" },
    kind: oneOf(["xfs", "ext4"] as const),
  }),
  ONEAPP_STORAGE_LABEL: param({
    mandatory: false,
    default: "STORAGE",
    stage: "configure",
    roles: ["storage"],
    scope: "storage",
    type: "1-11 characters",
    description: "Filesystem label to use (must be shorter than 12 characters)",
    input: { type: "text" },
    kind: fsLabel,
  }),
  ONEAPP_STORAGE_MOUNTPOINT: param({
    mandatory: false,
    default: "/var/lib/longhorn",
    stage: "configure",
    roles: ["storage"],
    scope: "storage",
    type: "absolute path",
    description: "Mountpoint for the dedicated disk",
    input: { type: "text" },
    kind: absolutePath,
  }),
} as const;

export type ParamName = keyof typeof catalogue;
export const PARAM_NAMES = Object.keys(catalogue) as ParamName[];

export function isParamName(name: string): name is ParamName {
  return Object.hasOwn(catalogue, name);
}

export type ParamValues = {
  readonly [K in ParamName]: (typeof catalogue)[K]["kind"] extends Kind<infer T> ? T | undefined : never;
};
