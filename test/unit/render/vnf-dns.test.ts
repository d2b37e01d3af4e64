import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type DnsInput, renderDns } from "../../../src/render/vnf-dns.js";
import { assertGolden } from "../../helpers/golden.js";

/** OneKE's shape: DNS on the private eth1, forwarding to the context's ETH0_DNS, the `vr.` zone. */
function input(overrides: Partial<DnsInput> = {}): DnsInput {
  return {
    listen: [{ nic: "eth1", address: "10.0.1.1" }],
    allowedNetworks: [
      { address: "10.0.0.0", prefix: 24 },
      { address: "10.0.1.0", prefix: 24 },
    ],
    maxCacheTtl: 3600,
    useRootServers: false,
    forwarders: ["1.1.1.1", "8.8.8.8"],
    directory: "/var/lib/onekube/vnf",
    localZones: [
      {
        name: "vr",
        records: [
          { name: "ep0.eth0", address: "10.0.0.100" },
          { name: "ip0.eth1", address: "10.0.1.1" },
        ],
      },
    ],
    ...overrides,
  };
}

const values = (content: string, key: string): string[] =>
  [...content.matchAll(new RegExp(`^\\s*${key}: (.*?)(?:  #.*)?$`, "gm"))].map((m) => m[1] ?? "");

describe("renderDns", () => {
  test("forwarding resolver on eth1: golden file under vnf/", () => {
    // GIVEN OneKE's DNS settings WHEN rendered
    const file = renderDns(input());
    // THEN the file is vnf/unbound.conf and matches the reviewed golden copy
    assert.equal(file.path, "vnf/unbound.conf");
    assertGolden("vnf/unbound-forwarders.conf", file.content);
  });

  test("listens on the given addresses plus loopback, and answers only the VM's subnets", () => {
    // GIVEN DNS on eth1 WHEN rendered
    const { content } = renderDns(input());
    // THEN loopback and eth1's address are the only listeners
    assert.deepEqual(values(content, "interface"), ["127.0.0.1", "10.0.1.1"]);
    assert.deepEqual(values(content, "interface-automatic"), []);
    // AND everyone is refused except loopback and the VM's own subnets
    assert.deepEqual(values(content, "access-control"), [
      "0.0.0.0/0 refuse",
      "127.0.0.0/8 allow",
      "10.0.0.0/24 allow",
      "10.0.1.0/24 allow",
    ]);
  });

  test("runs in the foreground with no pidfile, chroot or path outside the given directory", () => {
    // GIVEN a private directory WHEN rendered
    const { content } = renderDns(input({ directory: "/srv/vm7/vnf" }));
    // THEN nothing forks, nothing is written to /run or /etc, logs go to stderr
    assert.deepEqual(values(content, "do-daemonize"), ["no"]);
    assert.deepEqual(values(content, "pidfile"), ['""']);
    assert.deepEqual(values(content, "chroot"), ['""']);
    assert.deepEqual(values(content, "logfile"), ['""']);
    assert.deepEqual(values(content, "use-syslog"), ["no"]);
    assert.deepEqual(values(content, "directory"), ['"/srv/vm7/vnf"']);
    // AND every quoted path in the file is the directory itself
    const paths = [...content.matchAll(/"(\/[^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(paths, ["/srv/vm7/vnf"]);
  });

  test("cache-max-ttl is ONEAPP_VNF_DNS_MAX_CACHE_TTL", () => {
    // GIVEN a TTL of 120 s WHEN rendered THEN unbound caches at most 120 s
    assert.deepEqual(values(renderDns(input({ maxCacheTtl: 120 })).content, "cache-max-ttl"), ["120"]);
  });

  test("root servers: recursion from unbound's hints, no forward zone; empty list listens everywhere", () => {
    // GIVEN the 1.23 defaults: all interfaces, root servers, no local zone
    const file = renderDns(input({ listen: [], useRootServers: true, forwarders: [], localZones: [] }));
    // THEN it matches its golden copy
    assertGolden("vnf/unbound-root-servers.conf", file.content);
    // AND it listens on every address (loopback included), answering from the queried address
    assert.deepEqual(values(file.content, "interface"), ["0.0.0.0"]);
    assert.deepEqual(values(file.content, "interface-automatic"), ["yes"]);
    // AND nothing is forwarded
    assert.doesNotMatch(file.content, /forward-zone|forward-addr/);
  });

  test("forwarders become one forward-zone for the root, duplicates dropped", () => {
    // GIVEN ETH0_DNS listing a server twice WHEN rendered
    const { content } = renderDns(input({ forwarders: ["10.0.0.53", "10.0.0.53", "9.9.9.9"] }));
    // THEN "." is forwarded to each server once, in order
    assert.match(content, /^forward-zone:\n {4}name: "\."\n/m);
    assert.deepEqual(values(content, "forward-addr"), ["10.0.0.53", "9.9.9.9"]);
  });

  test("local zones are static and answer A records under the zone", () => {
    // GIVEN the vr zone WHEN rendered
    const { content } = renderDns(input());
    // THEN unknown names in vr. are NXDOMAIN (static) and each record is fully qualified
    assert.deepEqual(values(content, "local-zone"), ['"vr." static']);
    assert.deepEqual(values(content, "local-data"), [
      '"ep0.eth0.vr. IN A 10.0.0.100"',
      '"ip0.eth1.vr. IN A 10.0.1.1"',
    ]);
  });

  const refused: [string, Partial<DnsInput>, RegExp][] = [
    ["no forwarder without root servers", { useRootServers: false, forwarders: [] }, /no forwarder/],
    ["a listen address that is not IPv4", { listen: [{ nic: "eth1", address: "eth1" }] }, /listen\[0\]/],
    ["a forwarder that is not IPv4", { forwarders: ["dns.example"] }, /forwarders\[0\]/],
    ["a relative directory", { directory: "vnf" }, /directory/],
    ["a directory with a quote", { directory: '/tmp/"x' }, /directory/],
    ["a negative TTL", { maxCacheTtl: -1 }, /maxCacheTtl/],
    [
      "a record name with a blank",
      { localZones: [{ name: "vr", records: [{ name: "a b", address: "10.0.0.1" }] }] },
      /DNS name/,
    ],
    ["a user name with a quote", { username: 'un"bound' }, /username/],
  ];
  for (const [what, overrides, message] of refused) {
    test(`refuses ${what}`, () => {
      // GIVEN a bad input WHEN rendered THEN the renderer throws, naming the field
      assert.throws(() => renderDns(input(overrides)), message);
    });
  }
});
