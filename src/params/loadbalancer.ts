import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { ipv4ToInt, isIpv4, parseCidr } from "./ipv4.js";
import type { AddressBlock, KubeObject, LegacyPeer, LegacyPool, LoadBalancerSource } from "./types.js";

/** A parse outcome that keeps every problem instead of stopping at the first. */
export type Parsed<T> = { ok: true; value: T; warnings: string[] } | { ok: false; errors: string[] };

const GENERIC_RANGE = "0.0.0.0-255.255.255.255";

/** One address entry: `A-B` (A <= B), `A/N`, or a single address (becomes `A/32`). */
export function parseAddressBlock(
  text: string,
): { ok: true; block: AddressBlock } | { ok: false; reason: string } {
  const dash = text.indexOf("-");
  if (dash >= 0) {
    const first = text.slice(0, dash).trim();
    const last = text.slice(dash + 1).trim();
    if (!isIpv4(first) || !isIpv4(last))
      return { ok: false, reason: `"${text}" is not a range A-B of IPv4 addresses` };
    if (ipv4ToInt(first) > ipv4ToInt(last)) return { ok: false, reason: `"${text}" starts after it ends` };
    return { ok: true, block: `${first}-${last}` };
  }
  if (text.includes("/")) {
    const cidr = parseCidr(text);
    return cidr.ok ? { ok: true, block: text } : { ok: false, reason: cidr.reason };
  }
  if (isIpv4(text)) return { ok: true, block: `${text}/32` };
  return { ok: false, reason: `"${text}" is neither a range A-B, a CIDR nor an IPv4 address` };
}

/** `ONEAPP_K8S_LOADBALANCER_RANGE`: entries separated by commas or white space. */
export function parseRangeList(text: string): Parsed<AddressBlock[]> {
  const items = text.split(/[\s,]+/).filter((s) => s.length > 0);
  if (items.length === 0) return { ok: false, errors: ["expected at least one range A-B or CIDR"] };
  const errors: string[] = [];
  const blocks: AddressBlock[] = [];
  for (const item of items) {
    const parsed = parseAddressBlock(item);
    if (parsed.ok) blocks.push(parsed.block);
    else errors.push(parsed.reason);
  }
  if (errors.length > 0) return { ok: false, errors };
  const warnings = blocks.includes(GENERIC_RANGE)
    ? [
        `${GENERIC_RANGE} lets MetalLB answer for every address: use it only with --load-balancer-ip on each Service, as the reference's "generic range" explains`,
      ]
    : [];
  return { ok: true, value: blocks, warnings };
}

const addressList = z.array(z.string()).min(1, "a pool needs at least one address");

// MetalLB's legacy (< 0.13) configuration file, as its docs define it.
const legacyConfigSchema = z
  .object({
    peers: z
      .array(
        z.object({
          "peer-address": z.string().refine(isIpv4, "peer-address must be an IPv4 address"),
          "peer-asn": z.number().int().positive(),
          "my-asn": z.number().int().positive(),
          "peer-port": z.number().int().min(1).max(65535).optional(),
          "source-address": z.string().optional(),
          "router-id": z.string().optional(),
          "hold-time": z.string().optional(),
          password: z.string().optional(),
        }),
      )
      .default([]),
    "address-pools": z
      .array(
        z.object({
          name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "pool names must be DNS labels"),
          protocol: z.enum(["layer2", "bgp"]),
          addresses: addressList,
          "auto-assign": z.boolean().default(true),
          "avoid-buggy-ips": z.boolean().default(false),
          "bgp-advertisements": z
            .array(
              z.object({
                "aggregation-length": z.number().int().min(0).max(32).optional(),
                localpref: z.number().int().nonnegative().optional(),
                communities: z.array(z.string()).optional(),
              }),
            )
            .default([]),
        }),
      )
      .min(1, "address-pools needs at least one pool"),
  })
  .strict();

const configMapSchema = z.object({
  apiVersion: z.literal("v1"),
  kind: z.literal("ConfigMap"),
  metadata: z.object({ name: z.string(), namespace: z.string().optional() }).loose(),
  data: z.object({ config: z.string() }).loose(),
});

const METALLB_KINDS = new Set([
  "IPAddressPool",
  "L2Advertisement",
  "BGPAdvertisement",
  "BGPPeer",
  "BFDProfile",
  "Community",
]);

const resourceSchema = z
  .object({
    apiVersion: z
      .string()
      .regex(/^metallb\.io\/v1beta[12]$/, "apiVersion must be metallb.io/v1beta1 or v1beta2"),
    kind: z.string().refine((k) => METALLB_KINDS.has(k), {
      message: `kind must be one of ${[...METALLB_KINDS].join(", ")}`,
    }),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().optional() }).loose(),
  })
  .loose();

function zodErrors(error: z.ZodError, where: string): string[] {
  return error.issues.map(
    (i) => `${where}${i.path.length > 0 ? ` at ${i.path.join(".")}` : ""}: ${i.message}`,
  );
}

function legacyFromConfigText(text: string, where: string): Parsed<LoadBalancerSource> {
  let data: unknown;
  try {
    const docs = parseAllDocuments(text);
    const first = docs[0];
    if (!first || docs.length !== 1 || first.errors.length > 0) {
      return {
        ok: false,
        errors: [
          `${where} is not one YAML document${first?.errors[0] ? `: ${first.errors[0].message}` : ""}`,
        ],
      };
    }
    data = first.toJS();
  } catch (e) {
    return { ok: false, errors: [`${where} is not valid YAML: ${(e as Error).message}`] };
  }
  const parsed = legacyConfigSchema.safeParse(data);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error, where) };
  const errors: string[] = [];
  const pools: LegacyPool[] = parsed.data["address-pools"].map((p) => ({
    name: p.name,
    protocol: p.protocol,
    addresses: p.addresses.flatMap((a) => {
      const block = parseAddressBlock(a);
      if (block.ok) return [block.block];
      errors.push(`${where}: pool ${p.name}: ${block.reason}`);
      return [];
    }),
    autoAssign: p["auto-assign"],
    avoidBuggyIPs: p["avoid-buggy-ips"],
    bgpAdvertisements: p["bgp-advertisements"].map((a) => ({
      ...(a["aggregation-length"] === undefined ? {} : { aggregationLength: a["aggregation-length"] }),
      ...(a.localpref === undefined ? {} : { localPref: a.localpref }),
      ...(a.communities === undefined ? {} : { communities: a.communities }),
    })),
  }));
  const peers: LegacyPeer[] = parsed.data.peers.map((p) => ({
    peerAddress: p["peer-address"],
    peerAsn: p["peer-asn"],
    myAsn: p["my-asn"],
    ...(p["peer-port"] === undefined ? {} : { peerPort: p["peer-port"] }),
    ...(p["source-address"] === undefined ? {} : { sourceAddress: p["source-address"] }),
    ...(p["router-id"] === undefined ? {} : { routerId: p["router-id"] }),
    ...(p["hold-time"] === undefined ? {} : { holdTime: p["hold-time"] }),
    ...(p.password === undefined ? {} : { password: p.password }),
  }));
  if (pools.some((p) => p.protocol === "bgp") && peers.length === 0) {
    errors.push(`${where}: a bgp pool needs at least one entry in peers`);
  }
  const names = pools.map((p) => p.name);
  for (const dup of names.filter((n, i) => names.indexOf(n) !== i))
    errors.push(`${where}: pool name ${dup} is repeated`);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { kind: "legacy", pools, peers }, warnings: [] };
}

/**
 * `ONEAPP_K8S_LOADBALANCER_CONFIG`: base64 of YAML holding either MetalLB's legacy ConfigMap
 * (or just its `config` text) or MetalLB custom resources.
 */
export function parseLoadBalancerConfig(encoded: string): Parsed<LoadBalancerSource> {
  const compact = encoded.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0 || compact.length === 0) {
    return { ok: false, errors: ["is not valid base64 (expected the base64 encoding of a YAML document)"] };
  }
  const text = Buffer.from(compact, "base64").toString("utf8");
  const docs = parseAllDocuments(text);
  const bad = docs.find((d) => d.errors.length > 0);
  if (bad)
    return { ok: false, errors: [`decodes to invalid YAML: ${bad.errors[0]?.message.split("\n")[0]}`] };
  const values = docs.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
  if (values.length === 0) return { ok: false, errors: ["decodes to an empty YAML document"] };

  const first = values[0];
  if (values.length === 1 && configMapSchema.safeParse(first).success) {
    return legacyFromConfigText(configMapSchema.parse(first).data.config, "the ConfigMap's data.config");
  }
  if (values.length === 1 && typeof first === "object" && first !== null && "address-pools" in first) {
    return legacyFromConfigText(text, "the decoded config");
  }
  const errors: string[] = [];
  const objects: KubeObject[] = [];
  values.forEach((value, index) => {
    const parsed = resourceSchema.safeParse(value);
    if (parsed.success) objects.push(parsed.data as KubeObject);
    else errors.push(...zodErrors(parsed.error, `document ${index + 1}`));
  });
  if (errors.length > 0) {
    return {
      ok: false,
      errors: [
        "decodes to YAML of an unknown shape: expected a MetalLB ConfigMap (data.config with address-pools) or MetalLB custom resources (metallb.io)",
        ...errors,
      ],
    };
  }
  if (!objects.some((o) => o.kind === "IPAddressPool")) {
    return { ok: false, errors: ["holds MetalLB resources but no IPAddressPool"] };
  }
  return { ok: true, value: { kind: "resources", objects }, warnings: [] };
}
