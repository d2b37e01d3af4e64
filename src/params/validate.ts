import type { ConfigIssue } from "../errors.js";
import { catalogue, isParamName, PARAM_NAMES, type ParamName, type ParamValues } from "./catalogue.js";
import { cidrContains, cidrsOverlap, cidrToString, parseCidr } from "./ipv4.js";
import type { Ipv4Cidr, LoadBalancerSource, Role, ServiceConfig } from "./types.js";

/** kubeadm's default service subnet; the reference does not make it a parameter. */
export const SERVICE_NETWORK: Ipv4Cidr = (() => {
  const parsed = parseCidr("10.96.0.0/12");
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
})();

export interface ParseOptions {
  /** Validate only what this role uses; other parameters fall back to their defaults. */
  readonly role?: Role | undefined;
}

export type ParseResult =
  | {
      ok: true;
      config: ServiceConfig;
      effective: Record<ParamName, string | undefined>;
      issues: ConfigIssue[];
    }
  | { ok: false; issues: ConfigIssue[] };

function issue(
  param: string,
  value: string | undefined,
  code: string,
  message: string,
  severity: ConfigIssue["severity"] = "error",
): ConfigIssue {
  return { param, value, code, message, severity };
}

function usedBy(name: ParamName, role: Role | undefined): boolean {
  return role === undefined || catalogue[name].roles.includes(role);
}

/**
 * Parses raw `ONEAPP_*` strings into a typed ServiceConfig. Every problem of the input is
 * returned at once; warnings do not stop a valid input.
 */
export function parseParams(
  raw: Readonly<Record<string, string | undefined>>,
  options: ParseOptions = {},
): ParseResult {
  const issues: ConfigIssue[] = [];
  const effective = {} as Record<ParamName, string | undefined>;
  const values = {} as Record<ParamName, unknown>;

  for (const name of Object.keys(raw)) {
    if (name.startsWith("ONEAPP_") && !isParamName(name)) {
      issues.push(
        issue(
          name,
          raw[name],
          "unknown_parameter",
          "not a parameter of this service; it is ignored",
          "warning",
        ),
      );
    }
  }

  for (const name of PARAM_NAMES) {
    const spec = catalogue[name];
    const given = usedBy(name, options.role) ? raw[name] : undefined;
    const text = given === undefined || given.trim() === "" ? spec.default : given;
    effective[name] = text;
    if (text === undefined) {
      if (spec.mandatory) issues.push(issue(name, given, "required", `is mandatory: expected ${spec.type}`));
      values[name] = undefined;
      continue;
    }
    const parsed = spec.kind.safeParse(text);
    if (parsed.success) {
      values[name] = parsed.data;
      continue;
    }
    for (const i of parsed.error.issues) {
      const code =
        (i.code === "custom" ? (i.params as { code?: string } | undefined)?.code : undefined) ?? i.code;
      issues.push(issue(name, text, code, i.message));
    }
  }

  issues.push(...crossChecks(values as ParamValues, effective, options.role));
  if (issues.some((i) => i.severity === "error")) return { ok: false, issues };
  return { ok: true, config: toServiceConfig(values as ParamValues), effective, issues };
}

function crossChecks(
  v: ParamValues,
  effective: Record<ParamName, string | undefined>,
  role: Role | undefined,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const pods = v.ONEAPP_K8S_PODS_NETWORK;
  if (pods && usedBy("ONEAPP_K8S_PODS_NETWORK", role)) {
    if (cidrsOverlap(pods, SERVICE_NETWORK)) {
      out.push(
        issue(
          "ONEAPP_K8S_PODS_NETWORK",
          effective.ONEAPP_K8S_PODS_NETWORK,
          "overlaps_service_network",
          `overlaps the service network ${cidrToString(SERVICE_NETWORK)}; pick a range outside it`,
        ),
      );
    }
    const endpoint = v.ONEAPP_VNF_LB0_IP;
    if (endpoint && cidrContains(pods, endpoint.address)) {
      out.push(
        issue(
          "ONEAPP_K8S_PODS_NETWORK",
          effective.ONEAPP_K8S_PODS_NETWORK,
          "contains_endpoint",
          `contains the control-plane endpoint ${endpoint.address} (ONEAPP_VNF_LB0_IP); pick a range that does not`,
        ),
      );
    }
  }
  const range = v.ONEAPP_K8S_LOADBALANCER_RANGE;
  if (range?.includes("0.0.0.0-255.255.255.255")) {
    out.push(
      issue(
        "ONEAPP_K8S_LOADBALANCER_RANGE",
        effective.ONEAPP_K8S_LOADBALANCER_RANGE,
        "generic_range",
        'MetalLB may answer for every address: use it only with an explicit --load-balancer-ip on each Service (the reference\'s "generic range")',
        "warning",
      ),
    );
  }
  if (range && v.ONEAPP_K8S_LOADBALANCER_CONFIG) {
    out.push(
      issue(
        "ONEAPP_K8S_LOADBALANCER_RANGE",
        effective.ONEAPP_K8S_LOADBALANCER_RANGE,
        "ignored",
        "ignored because ONEAPP_K8S_LOADBALANCER_CONFIG is set",
        "warning",
      ),
    );
  }
  return out;
}

function toServiceConfig(v: ParamValues): ServiceConfig {
  const required = <T>(value: T | undefined, name: ParamName): T => {
    if (value === undefined) throw new Error(`${name} has neither a value nor a default`);
    return value;
  };
  const endpoint = required(v.ONEAPP_VNF_LB0_IP, "ONEAPP_VNF_LB0_IP");
  const apiPort = required(v.ONEAPP_K8S_PORT, "ONEAPP_K8S_PORT");
  let loadBalancer: LoadBalancerSource | undefined;
  if (v.ONEAPP_K8S_LOADBALANCER_CONFIG) loadBalancer = v.ONEAPP_K8S_LOADBALANCER_CONFIG;
  else if (v.ONEAPP_K8S_LOADBALANCER_RANGE)
    loadBalancer = { kind: "range", addresses: v.ONEAPP_K8S_LOADBALANCER_RANGE };
  return {
    endpoint: { address: endpoint.address, port: endpoint.port ?? apiPort },
    apiPort,
    podsNetwork: required(v.ONEAPP_K8S_PODS_NETWORK, "ONEAPP_K8S_PODS_NETWORK"),
    serviceNetwork: SERVICE_NETWORK,
    loadBalancer,
    registryMirror: v.ONEAPP_K8S_REGISTRY_MIRROR,
    vnf: {
      dns: {
        enabled: required(v.ONEAPP_VNF_DNS_ENABLED, "ONEAPP_VNF_DNS_ENABLED"),
        interfaces: v.ONEAPP_VNF_DNS_INTERFACES ?? [],
        maxCacheTtl: required(v.ONEAPP_VNF_DNS_MAX_CACHE_TTL, "ONEAPP_VNF_DNS_MAX_CACHE_TTL"),
        useRootServers: required(v.ONEAPP_VNF_DNS_USE_ROOTSERVERS, "ONEAPP_VNF_DNS_USE_ROOTSERVERS"),
      },
      lbRefreshRate: required(v.ONEAPP_VNF_LB_REFRESH_RATE, "ONEAPP_VNF_LB_REFRESH_RATE"),
      lbBackend: required(v.ONEAPP_VNF_LB_BACKEND, "ONEAPP_VNF_LB_BACKEND"),
      nat4: {
        enabled: required(v.ONEAPP_VNF_NAT4_ENABLED, "ONEAPP_VNF_NAT4_ENABLED"),
        interfacesOut: v.ONEAPP_VNF_NAT4_INTERFACES_OUT ?? [],
      },
      router4: {
        enabled: required(v.ONEAPP_VNF_ROUTER4_ENABLED, "ONEAPP_VNF_ROUTER4_ENABLED"),
        interfaces: v.ONEAPP_VNF_ROUTER4_INTERFACES ?? [],
      },
    },
    storage: {
      device: required(v.ONEAPP_STORAGE_DEVICE, "ONEAPP_STORAGE_DEVICE"),
      filesystem: required(v.ONEAPP_STORAGE_FILESYSTEM, "ONEAPP_STORAGE_FILESYSTEM"),
      label: required(v.ONEAPP_STORAGE_LABEL, "ONEAPP_STORAGE_LABEL"),
      mountpoint: required(v.ONEAPP_STORAGE_MOUNTPOINT, "ONEAPP_STORAGE_MOUNTPOINT"),
    },
  };
}
