/** Typed values every other module works with; produced once by `parseParams`. */

export const ROLES = ["vnf", "master", "worker", "storage"] as const;
export type Role = (typeof ROLES)[number];

/** An IPv4 network in canonical form (host bits zero). */
export interface Ipv4Cidr {
  readonly address: string;
  readonly prefix: number;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** One MetalLB address entry, canonical: `A-B` or `A/N`. */
export type AddressBlock = string;

export interface LegacyBgpAdvertisement {
  readonly aggregationLength?: number;
  readonly localPref?: number;
  readonly communities?: readonly string[];
}

export interface LegacyPool {
  readonly name: string;
  readonly protocol: "layer2" | "bgp";
  readonly addresses: readonly AddressBlock[];
  readonly autoAssign: boolean;
  readonly avoidBuggyIPs: boolean;
  readonly bgpAdvertisements: readonly LegacyBgpAdvertisement[];
}

export interface LegacyPeer {
  readonly peerAddress: string;
  readonly peerAsn: number;
  readonly myAsn: number;
  readonly peerPort?: number;
  readonly sourceAddress?: string;
  readonly routerId?: string;
  readonly holdTime?: string;
  readonly password?: string;
}

/** A Kubernetes object as parsed data. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Where MetalLB's configuration comes from. */
export type LoadBalancerSource =
  | { readonly kind: "range"; readonly addresses: readonly AddressBlock[] }
  | { readonly kind: "legacy"; readonly pools: readonly LegacyPool[]; readonly peers: readonly LegacyPeer[] }
  | { readonly kind: "resources"; readonly objects: readonly KubeObject[] };

export interface VnfConfig {
  readonly dns: {
    readonly enabled: boolean;
    readonly interfaces: readonly string[];
    readonly maxCacheTtl: number;
    readonly useRootServers: boolean;
  };
  readonly lbRefreshRate: number;
  readonly lbBackend: "auto" | "lvs" | "haproxy";
  readonly nat4: { readonly enabled: boolean; readonly interfacesOut: readonly string[] };
  readonly router4: { readonly enabled: boolean; readonly interfaces: readonly string[] };
}

export type Filesystem = "xfs" | "ext4";

export interface StorageConfig {
  readonly device: string;
  readonly filesystem: Filesystem;
  readonly label: string;
  readonly mountpoint: string;
}

/** A registry every node pulls through instead of the upstream registries. */
export interface RegistryHost {
  /** `host[:port]`. */
  readonly host: string;
  readonly scheme: "http" | "https";
}

export interface ServiceConfig {
  /** The control-plane endpoint clients use: VIP and its port (explicit or `apiPort`). */
  readonly endpoint: Endpoint;
  /** The port every master's API server listens on. */
  readonly apiPort: number;
  readonly podsNetwork: Ipv4Cidr;
  readonly serviceNetwork: Ipv4Cidr;
  readonly loadBalancer: LoadBalancerSource | undefined;
  /** ONEAPP_K8S_REGISTRY_MIRROR: where nodes pull every image from; upstream when undefined. */
  readonly registryMirror: RegistryHost | undefined;
  readonly vnf: VnfConfig;
  readonly storage: StorageConfig;
}
