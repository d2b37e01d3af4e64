import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { checkUnboundConfig, unboundCommand } from "../../src/agent/vnf/dns.js";
import { applyNat4, applyRouter4, removeNat4, removeRouter4 } from "../../src/agent/vnf/functions.js";
import { liveTable } from "../../src/agent/vnf/nft.js";
import { readSysctls } from "../../src/agent/vnf/sysctl.js";
import { hostExec } from "../../src/host/exec.js";
import { renderDns } from "../../src/render/vnf-dns.js";
import { renderNat4 } from "../../src/render/vnf-nat4.js";
import { renderRouter4 } from "../../src/render/vnf-router4.js";
import { PEER_ECHO_SERVER, peerSeenBy, queryA, RCODE } from "../helpers/net-probes.js";
import { NetnsLab, requireRoot, tool } from "../helpers/netns-lab.js";

// Real kernels, real tools: client — router — server in namespaces of their own, 10.231.0.0/16
// only inside them. A missing tool fails (naming its Debian package); nothing is skipped.
const lab = new NetnsLab();
const PORT = 8080;
const NICS = ["eth0", "eth1"]; // router: eth1 towards the client (private), eth0 towards the server
let client = "";
let router = "";
let server = "";

before(async () => {
  requireRoot();
  tool("ip", "iproute2");
  tool("nft", "nftables");
  tool("sysctl", "procps");
  [client, router, server] = [
    await lab.namespace("client"),
    await lab.namespace("router"),
    await lab.namespace("server"),
  ];
  await lab.link(client, "eth0", ["10.231.1.2/24"], router, "eth1", ["10.231.1.1/24"]);
  await lab.link(router, "eth0", ["10.231.2.1/24"], server, "eth0", ["10.231.2.2/24"]);
  await lab.route(client, "default", "10.231.1.1");
  // The server can route back, so without NAT it sees the client's own address.
  await lab.route(server, "10.231.1.0/24", "10.231.2.1");
  const echo = lab.start(server, process.execPath, [
    "--input-type=module",
    "-e",
    PEER_ECHO_SERVER,
    String(PORT),
  ]);
  await waitFor(
    () => echo.output().includes("listening"),
    () => `echo server did not start: ${echo.output()}`,
  );
});
after(() => lab.cleanup());

async function waitFor(ok: () => boolean | Promise<boolean>, why: () => string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(why());
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `nft -c -f -` in the router's namespace: the kernel's own verdict, nothing applied. */
async function nftCheck(script: string): Promise<number> {
  const r = await lab.exec(router).run("nft", ["-c", "-f", "-"], { input: script, allowFailure: true });
  return r.exitCode;
}

const seen = () => peerSeenBy(lab.exec(client), "10.231.2.2", PORT);

test("a missing tool fails the test, naming the Debian package to install", () => {
  // GIVEN a tool that no package ships WHEN a test asks for it THEN it fails, it is not skipped
  assert.throws(() => tool("onekube-no-such-tool", "some-package"), /apt-get install some-package/);
});

describe("ROUTER4 between two subnets", { concurrency: false }, () => {
  test("forwarding only when enabled, only between listed interfaces; every apply idempotent", async () => {
    const exec = lab.exec(router);
    // GIVEN a fresh router namespace: the kernel does not forward
    assert.match(await seen(), /^unreachable/);
    // WHEN ROUTER4 is enabled on all interfaces THEN the client reaches the server, unmasked
    const all = renderRouter4({ interfaces: [], nics: NICS });
    assert.equal(await applyRouter4(exec, all), "changed");
    assert.equal(await seen(), "10.231.1.2");
    assert.equal(await applyRouter4(exec, all), "unchanged");
    // WHEN the list excludes the server's side THEN forwarding is refused, by sysctl and filter
    const clientSideOnly = renderRouter4({ interfaces: ["eth1"], nics: NICS });
    assert.ok(clientSideOnly.nftables);
    assert.equal(await nftCheck(clientSideOnly.nftables.file.content), 0);
    assert.equal(await applyRouter4(exec, clientSideOnly), "changed");
    const keys = ["net.ipv4.ip_forward", "net.ipv4.conf.eth1.forwarding", "net.ipv4.conf.eth0.forwarding"];
    assert.deepEqual(await readSysctls(exec, keys), ["0", "1", "0"]);
    assert.match(await seen(), /^unreachable/);
    // WHEN both sides are listed THEN it routes again, and a second apply changes nothing
    const both = renderRouter4({ interfaces: ["eth0", "eth1"], nics: NICS });
    assert.equal(await applyRouter4(exec, both), "changed");
    assert.equal(await seen(), "10.231.1.2");
    assert.equal(await applyRouter4(exec, both), "unchanged");
    // WHEN ROUTER4 is removed THEN nothing forwards, no table is left, and removing again is a no-op
    assert.equal(await removeRouter4(exec, NICS), "changed");
    assert.match(await seen(), /^unreachable/);
    assert.equal(await liveTable(exec, "ip", "onekube_router4"), undefined);
    assert.equal(await removeRouter4(exec, NICS), "unchanged");
  });

  test("nft -c refuses a broken filter (the check bites)", async () => {
    // GIVEN the rendered filter with a typo in its policy WHEN checked THEN nft refuses it
    const script = renderRouter4({ interfaces: ["eth0"], nics: NICS }).nftables?.file.content ?? "";
    assert.notEqual(await nftCheck(script.replace("policy drop", "policy dorp")), 0);
  });
});

describe("NAT4 on the outward interface", { concurrency: false }, () => {
  test("the server sees the router's address with NAT4, the client's without; idempotent", async () => {
    const exec = lab.exec(router);
    // GIVEN a router that forwards, no NAT4: the server sees the client itself
    await applyRouter4(exec, renderRouter4({ interfaces: [], nics: NICS }));
    assert.equal(await seen(), "10.231.1.2");
    // WHEN NAT4 masquerades eth0 (checked by nft first) THEN the server sees the router's eth0 address
    const nat = renderNat4({ interfacesOut: ["eth0"], nics: NICS });
    assert.equal(await nftCheck(nat.file.content), 0);
    assert.equal(await applyNat4(exec, nat), "changed");
    assert.equal(await seen(), "10.231.2.1");
    // AND a second apply changes nothing: the live table reads exactly as rendered
    assert.equal(await applyNat4(exec, nat), "unchanged");
    assert.equal(await liveTable(exec, "ip", "onekube_nat4"), nat.listing);
    // WHEN a rule is edited by hand THEN the next apply puts the rendered table back
    await exec.run("nft", ["flush", "chain", "ip", "onekube_nat4", "postrouting"]);
    assert.equal(await applyNat4(exec, nat), "changed");
    assert.equal(await seen(), "10.231.2.1");
    // WHEN NAT4 is removed THEN the client's address shows again, and removing twice is a no-op
    assert.equal(await removeNat4(exec), "changed");
    assert.equal(await seen(), "10.231.1.2");
    assert.equal(await removeNat4(exec), "unchanged");
    await removeRouter4(exec, NICS);
  });

  test("nft -c refuses a broken ruleset (the check bites)", async () => {
    // GIVEN the rendered table with a misspelt statement WHEN checked THEN nft refuses it
    const script = renderNat4({ interfacesOut: ["eth0"], nics: NICS }).file.content;
    assert.notEqual(
      await nftCheck(script.replace('oifname "eth0" masquerade', 'oifname "eth0" masqurade')),
      0,
    );
  });
});

describe("DNS: unbound in a namespace", { concurrency: false }, () => {
  const dir = mkdtempSync(join(tmpdir(), "onekube-vnf-dns-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("answers its local zone to the VM's subnets and loopback, REFUSED to anyone else", async () => {
    const unbound = tool("unbound", "unbound");
    tool("unbound-checkconf", "unbound");
    // GIVEN a DNS VM with two subnets on eth0, of which only 10.231.3.0/24 is the VM's own
    const dns = await lab.namespace("dns");
    const asker = await lab.namespace("asker");
    await lab.link(dns, "eth0", ["10.231.3.1/24", "10.231.4.1/24"], asker, "eth0", [
      "10.231.3.2/24",
      "10.231.4.2/24",
    ]);
    const file = renderDns({
      listen: [],
      allowedNetworks: [{ address: "10.231.3.0", prefix: 24 }],
      maxCacheTtl: 60,
      useRootServers: true,
      forwarders: [],
      directory: dir,
      localZones: [{ name: "vr", records: [{ name: "ep0.eth0", address: "10.231.3.100" }] }],
    });
    const config = join(dir, "unbound.conf");
    writeFileSync(config, file.content);
    // AND the real unbound-checkconf accepts it
    await checkUnboundConfig(hostExec, config);
    // WHEN unbound runs in the foreground as the supervisor would start it
    const argv = unboundCommand(config);
    assert.deepEqual(argv, { file: "unbound", args: ["-d", "-p", "-c", config] });
    const started = lab.start(dns, unbound, argv.args);
    const inDns = lab.exec(dns);
    await waitFor(
      async () =>
        (await queryA(inDns, "127.0.0.1", "ep0.eth0.vr")).rcode === RCODE.NOERROR ||
        started.child.exitCode !== null,
      () => `unbound did not answer on loopback:\n${started.output()}`,
    );
    assert.equal(started.child.exitCode, null, `unbound exited:\n${started.output()}`);
    // THEN loopback and the VM's subnet get the record
    assert.deepEqual(await queryA(inDns, "127.0.0.1", "ep0.eth0.vr"), {
      rcode: RCODE.NOERROR,
      addresses: ["10.231.3.100"],
    });
    const inAsker = lab.exec(asker);
    assert.deepEqual(await queryA(inAsker, "10.231.3.1", "ep0.eth0.vr", "10.231.3.2"), {
      rcode: RCODE.NOERROR,
      addresses: ["10.231.3.100"],
    });
    // AND an unknown name of the static zone is NXDOMAIN, not sent upstream
    assert.equal((await queryA(inAsker, "10.231.3.1", "nope.vr", "10.231.3.2")).rcode, RCODE.NXDOMAIN);
    // AND a client from outside the allowed subnets is REFUSED, whichever address it asks
    assert.equal((await queryA(inAsker, "10.231.3.1", "ep0.eth0.vr", "10.231.4.2")).rcode, RCODE.REFUSED);
    assert.equal((await queryA(inAsker, "10.231.4.1", "ep0.eth0.vr", "10.231.4.2")).rcode, RCODE.REFUSED);
  });

  test("unbound-checkconf refuses a broken config (the check bites)", async () => {
    tool("unbound-checkconf", "unbound");
    // GIVEN a rendered config (listening on one address, forwarding), accepted as rendered,
    // then with a bad access-control action
    const content = renderDns({
      listen: [{ nic: "eth0", address: "10.231.3.1" }],
      allowedNetworks: [{ address: "10.231.3.0", prefix: 24 }],
      maxCacheTtl: 3600,
      useRootServers: false,
      forwarders: ["10.231.3.254"],
      directory: dir,
    }).content;
    const good = join(dir, "good.conf");
    writeFileSync(good, content);
    await checkUnboundConfig(hostExec, good);
    const broken = join(dir, "broken.conf");
    writeFileSync(broken, content.replace("10.231.3.0/24 allow", "10.231.3.0/24 alow"));
    // WHEN checked THEN unbound-checkconf fails, and checkUnboundConfig throws with its reason
    await assert.rejects(
      checkUnboundConfig(hostExec, broken),
      /expected deny, refuse, .* as access control action/,
    );
  });
});
