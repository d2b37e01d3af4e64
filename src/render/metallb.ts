import { stringify } from "yaml";
import type { KubeObject, LegacyPeer, LegacyPool, LoadBalancerSource } from "../params/types.js";

/**
 * MetalLB >= 0.13 is configured with custom resources; the reference's users still hand us
 * the legacy (< 0.13) ConfigMap, so it is translated here as MetalLB's own configmaptocrs
 * tool does: a pool per pool, advertisements for its pool, a BGPPeer per peer. Unlike that
 * tool (bgpadvertisement1, peer1, ...) names follow the pool and the peer's address, so they
 * stay the same when the user adds a pool or a peer.
 */

export const METALLB_NAMESPACE = "metallb-system";
const V1BETA1 = "metallb.io/v1beta1";
const V1BETA2 = "metallb.io/v1beta2";

function resource(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string,
  spec: object,
): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace }, spec };
}

function pool(name: string, namespace: string, spec: object): KubeObject {
  return resource(V1BETA1, "IPAddressPool", name, namespace, spec);
}

function l2(name: string, namespace: string, poolName: string): KubeObject {
  return resource(V1BETA1, "L2Advertisement", name, namespace, { ipAddressPools: [poolName] });
}

function bgpAdvertisements(p: LegacyPool, namespace: string): KubeObject[] {
  // A legacy bgp pool without advertisements was announced once, as is; keep that default.
  const ads = p.bgpAdvertisements.length > 0 ? p.bgpAdvertisements : [{}];
  return ads.map((ad, i) =>
    resource(V1BETA1, "BGPAdvertisement", ads.length === 1 ? p.name : `${p.name}-${i + 1}`, namespace, {
      ipAddressPools: [p.name],
      ...(ad.aggregationLength === undefined ? {} : { aggregationLength: ad.aggregationLength }),
      ...(ad.localPref === undefined ? {} : { localPref: ad.localPref }),
      ...(ad.communities === undefined ? {} : { communities: [...ad.communities] }),
    }),
  );
}

/** Peer names come from the address (readable in `kubectl get`), made unique by position. */
function peerNames(peers: readonly LegacyPeer[]): string[] {
  const bases = peers.map((p) => `peer-${p.peerAddress.replaceAll(".", "-")}`);
  return bases.map((b, i) => (bases.indexOf(b) === bases.lastIndexOf(b) ? b : `${b}-${i + 1}`));
}

function bgpPeer(peer: LegacyPeer, name: string, namespace: string): KubeObject {
  return resource(V1BETA2, "BGPPeer", name, namespace, {
    myASN: peer.myAsn,
    peerASN: peer.peerAsn,
    peerAddress: peer.peerAddress,
    ...(peer.peerPort === undefined ? {} : { peerPort: peer.peerPort }),
    ...(peer.sourceAddress === undefined ? {} : { sourceAddress: peer.sourceAddress }),
    ...(peer.routerId === undefined ? {} : { routerID: peer.routerId }),
    ...(peer.holdTime === undefined ? {} : { holdTime: peer.holdTime }),
    ...(peer.password === undefined ? {} : { password: peer.password }),
  });
}

function fromLegacy(
  pools: readonly LegacyPool[],
  peers: readonly LegacyPeer[],
  namespace: string,
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const p of pools) {
    out.push(
      pool(p.name, namespace, {
        addresses: [...p.addresses],
        autoAssign: p.autoAssign,
        avoidBuggyIPs: p.avoidBuggyIPs,
      }),
    );
    if (p.protocol === "layer2") out.push(l2(p.name, namespace, p.name));
    else out.push(...bgpAdvertisements(p, namespace));
  }
  const names = peerNames(peers);
  peers.forEach((peer, i) => {
    out.push(bgpPeer(peer, names[i] ?? `peer-${i + 1}`, namespace));
  });
  return out;
}

/** MetalLB custom resources for the configured load-balancer source. */
export function renderMetalLb(source: LoadBalancerSource, namespace = METALLB_NAMESPACE): KubeObject[] {
  switch (source.kind) {
    case "range":
      return [
        pool("default", namespace, { addresses: [...source.addresses] }),
        l2("default", namespace, "default"),
      ];
    case "legacy":
      return fromLegacy(source.pools, source.peers, namespace);
    case "resources":
      return source.objects.map((o) => {
        const copy = structuredClone(o);
        return { ...copy, metadata: { ...copy.metadata, namespace: copy.metadata.namespace ?? namespace } };
      });
  }
}

function legacyPoolConfig(p: LegacyPool): Record<string, unknown> {
  // Insertion order is the order the reference shows; defaults are left out as users write them.
  return {
    name: p.name,
    protocol: p.protocol,
    addresses: [...p.addresses],
    ...(p.autoAssign ? {} : { "auto-assign": false }),
    ...(p.avoidBuggyIPs ? { "avoid-buggy-ips": true } : {}),
    ...(p.bgpAdvertisements.length === 0
      ? {}
      : {
          "bgp-advertisements": p.bgpAdvertisements.map((a) => ({
            ...(a.aggregationLength === undefined ? {} : { "aggregation-length": a.aggregationLength }),
            ...(a.localPref === undefined ? {} : { localpref: a.localPref }),
            ...(a.communities === undefined ? {} : { communities: [...a.communities] }),
          })),
        }),
  };
}

function legacyPeerConfig(p: LegacyPeer): Record<string, unknown> {
  return {
    "peer-address": p.peerAddress,
    "peer-asn": p.peerAsn,
    "my-asn": p.myAsn,
    ...(p.peerPort === undefined ? {} : { "peer-port": p.peerPort }),
    ...(p.sourceAddress === undefined ? {} : { "source-address": p.sourceAddress }),
    ...(p.routerId === undefined ? {} : { "router-id": p.routerId }),
    ...(p.holdTime === undefined ? {} : { "hold-time": p.holdTime }),
    ...(p.password === undefined ? {} : { password: p.password }),
  };
}

/**
 * The legacy `config` ConfigMap read by MetalLB < 0.13 (and shown by the reference's
 * `kubectl describe configmap config`). Custom resources have no legacy form.
 */
export function renderMetalLbLegacyConfigMap(
  source: LoadBalancerSource,
  namespace = METALLB_NAMESPACE,
): KubeObject {
  if (source.kind === "resources") {
    throw new Error(
      "MetalLB custom resources have no legacy ConfigMap form (MetalLB < 0.13 cannot read them)",
    );
  }
  const pools: readonly LegacyPool[] =
    source.kind === "range"
      ? [
          {
            name: "default",
            protocol: "layer2",
            addresses: source.addresses,
            autoAssign: true,
            avoidBuggyIPs: false,
            bgpAdvertisements: [],
          },
        ]
      : source.pools;
  const peers = source.kind === "legacy" ? source.peers : [];
  const config = {
    ...(peers.length === 0 ? {} : { peers: peers.map(legacyPeerConfig) }),
    "address-pools": pools.map(legacyPoolConfig),
  };
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "config", namespace },
    // MetalLB < 0.13 reads this with Go's YAML 1.1 parser: print as 1.1 so that strings like
    // "64512:1" (a base-60 number there) or "yes" come out quoted.
    data: { config: stringify(config, { version: "1.1", lineWidth: 0, indentSeq: false }) },
  };
}
