import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type KeepalivedInput, renderKeepalived } from "../../../src/render/keepalived.js";
import { assertGolden } from "../../helpers/golden.js";

const MASTERS = [
  { address: "10.0.0.13", port: 6443 },
  { address: "10.0.0.11", port: 6443 },
  { address: "10.0.0.12", port: 6443 },
];

/** Two VNFs; the peer list holds both, as OneGate lists the whole vnf role. */
function input(overrides: Partial<KeepalivedInput> = {}): KeepalivedInput {
  return {
    interface: "eth0",
    vip: { address: "10.0.0.100", prefix: 24 },
    virtualRouterId: 17,
    selfAddress: "10.0.0.2",
    peers: ["10.0.0.3", "10.0.0.2"],
    loadBalancer: { mode: "lvs", port: 6443, backends: MASTERS },
    ...overrides,
  };
}

/** `real_server A P` lines, in order of appearance. */
function realServers(content: string): string[] {
  return [...content.matchAll(/^\s*real_server (\S+) (\d+) \{$/gm)].map((m) => `${m[1]}:${m[2]}`);
}

/** The addresses inside `unicast_peer { ... }`. */
function unicastPeers(content: string): string[] {
  const block = /unicast_peer \{\n([^}]*)\}/.exec(content)?.[1] ?? "";
  return block
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

describe("renderKeepalived", () => {
  test("three masters in LVS mode: golden file, every master a real_server with its health check", () => {
    // GIVEN two VNFs and three masters on 6443
    // WHEN rendered
    const file = renderKeepalived(input());
    // THEN the file is keepalived/keepalived.conf and matches the reviewed golden copy
    assert.equal(file.path, "keepalived/keepalived.conf");
    assertGolden("keepalived/three-masters-lvs.conf", file.content);
    // AND every master is a real_server on its port, probed on that port, in address order
    assert.deepEqual(realServers(file.content), ["10.0.0.11:6443", "10.0.0.12:6443", "10.0.0.13:6443"]);
    // each checked over TLS on the API server's /readyz, which a frozen or not-ready one fails
    assert.equal(
      file.content.match(/SSL_GET \{\n\s*url \{\n\s*path \/readyz\n\s*status_code 200\n/g)?.length,
      3,
    );
    assert.equal(file.content.match(/connect_port 6443\n\s*connect_timeout 0\.5\n\s*retry 1\n/g)?.length, 3);
    assert.match(file.content, /^\s+delay_loop 0\.5$/m);
    // AND the VIP is load-balanced with NAT (masters do not hold the VIP), over TCP
    assert.match(file.content, /^virtual_server 10\.0\.0\.100 6443 \{$/m);
    assert.match(file.content, /^\s+lb_kind NAT$/m);
    assert.match(file.content, /^\s+protocol TCP$/m);
    assert.match(file.content, /^\s+lb_algo wlc$/m);
  });

  test("both VNFs start as BACKUP, never preempt, and hold the VIP on the service NIC", () => {
    // GIVEN the default input WHEN rendered
    const { content } = renderKeepalived(input());
    // THEN VRRP is BACKUP/nopreempt, VRRPv3 with adverts every 0.2 s, and ARP told at once
    assert.match(content, /^\s+state BACKUP$/m);
    assert.match(content, /^\s+nopreempt$/m);
    assert.match(content, /^\s+priority 100$/m);
    assert.match(content, /^\s+vrrp_version 3$/m);
    assert.match(content, /^\s+advert_int 0\.2$/m);
    assert.match(content, /^\s+garp_master_delay 1$/m);
    assert.match(content, /^\s+virtual_router_id 17$/m);
    assert.match(content, /^\s+10\.0\.0\.100\/24 dev eth0$/m);
    assert.doesNotMatch(content, /state MASTER|authentication/);
  });

  test("unicast peers exclude this VM, are de-duplicated and sorted numerically", () => {
    // GIVEN a peer list with self, a duplicate and addresses that sort differently as text
    const { content } = renderKeepalived(
      input({ peers: ["10.0.0.10", "10.0.0.2", "10.0.0.9", "10.0.0.10"] }),
    );
    // THEN the source is self and the peers are the others, in numeric order
    assert.match(content, /^\s+unicast_src_ip 10\.0\.0\.2$/m);
    assert.deepEqual(unicastPeers(content), ["10.0.0.9", "10.0.0.10"]);
  });

  test("a lone VNF uses no unicast keywords, which keepalived refuses without peers", () => {
    // GIVEN a vnf role of one VM
    const { content } = renderKeepalived(input({ peers: ["10.0.0.2"] }));
    // THEN neither unicast_src_ip nor unicast_peer is written
    assertGolden("keepalived/single-vnf.conf", content);
    assert.doesNotMatch(content, /unicast_src_ip|unicast_peer/);
  });

  test("the output does not depend on the order of masters or peers", () => {
    // GIVEN the same masters and peers in two other orders
    const a = renderKeepalived(
      input({ loadBalancer: { mode: "lvs", port: 6443, backends: [...MASTERS].reverse() } }),
    );
    const b = renderKeepalived(
      input({
        peers: ["10.0.0.2", "10.0.0.3"],
        loadBalancer: { mode: "lvs", port: 6443, backends: MASTERS },
      }),
    );
    // THEN the files are identical to the canonical rendering
    assert.equal(a.content, renderKeepalived(input()).content);
    assert.equal(b.content, a.content);
  });

  test("custom endpoint port: the virtual_server listens on 7443 and forwards to masters on 6443", () => {
    // GIVEN an endpoint 10.0.0.100:7443 in front of masters on 6443, round-robin
    const lb = { mode: "lvs", port: 7443, backends: MASTERS, scheduler: "rr" } as const;
    const { content } = renderKeepalived(input({ loadBalancer: lb }));
    // THEN the ports differ on the two sides
    assertGolden("keepalived/custom-port-lvs.conf", content);
    assert.match(content, /^virtual_server 10\.0\.0\.100 7443 \{$/m);
    assert.deepEqual(realServers(content), ["10.0.0.11:6443", "10.0.0.12:6443", "10.0.0.13:6443"]);
    assert.match(content, /^\s+lb_algo rr$/m);
  });

  test("zero masters in LVS mode: the virtual_server is left out, with a comment saying why", () => {
    // GIVEN no master has published a backend yet
    const { content } = renderKeepalived(input({ loadBalancer: { mode: "lvs", port: 6443, backends: [] } }));
    // THEN VRRP still holds the VIP but no virtual_server block is written
    assertGolden("keepalived/zero-masters-lvs.conf", content);
    assert.doesNotMatch(content, /^virtual_server/m);
    assert.match(content, /^# virtual_server 10\.0\.0\.100 6443 omitted/m);
  });

  test("haproxy mode: keepalived only moves the VIP, HAProxy forwards", () => {
    // GIVEN HAProxy load-balancing and tuned VRRP timing
    const { content } = renderKeepalived(
      input({ loadBalancer: { mode: "haproxy" }, priority: 150, advertInterval: 0.05 }),
    );
    // THEN there is no LVS block and the VRRP settings are as given
    assertGolden("keepalived/haproxy-mode.conf", content);
    assert.doesNotMatch(content, /virtual_server|real_server|authentication/);
    assert.match(content, /^\s+priority 150$/m);
    assert.match(content, /^\s+advert_int 0\.05$/m);
  });

  test("programmer errors name the bad field", () => {
    // GIVEN inputs that src/params would never produce WHEN rendered THEN the error names the field
    assert.throws(
      () => renderKeepalived(input({ virtualRouterId: 256 })),
      /virtualRouterId must be an integer 1\.\.255/,
    );
    assert.throws(() => renderKeepalived(input({ interface: "eth 0" })), /interface is not a Linux NIC name/);
    assert.throws(
      () => renderKeepalived(input({ selfAddress: "10.0.0" })),
      /selfAddress is not an IPv4 address/,
    );
    assert.throws(() => renderKeepalived(input({ peers: ["x"] })), /peers\[0\] is not an IPv4 address/);
    assert.throws(() => renderKeepalived(input({ priority: 255 })), /priority must be an integer 1\.\.254/);
    assert.throws(() => renderKeepalived(input({ advertInterval: 0.005 })), /advertInterval must be 0\.01/);
    assert.throws(() => renderKeepalived(input({ advertInterval: 0.123 })), /centiseconds/);
    const badPort = { mode: "lvs", port: 6443, backends: [{ address: "10.0.0.11", port: 0 }] } as const;
    assert.throws(
      () => renderKeepalived(input({ loadBalancer: badPort })),
      /loadBalancer\.backends\[0\]\.port/,
    );
  });
});
