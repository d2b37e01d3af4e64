import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { execa } from "execa";
import { renderHaproxy } from "../../src/render/haproxy.js";
import { type KeepalivedInput, renderKeepalived } from "../../src/render/keepalived.js";
import { tool } from "../helpers/netns-lab.js";

// The real tools judge the rendered files. A missing tool fails the suite: CI installs them.
const dir = mkdtempSync(join(tmpdir(), "onekube-vnf-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

type Outcome = { exitCode: number | undefined; stderr: string };

/**
 * `keepalived -t` refuses a VRRP instance on a NIC that does not exist (and on `lo`), so it runs
 * in a fresh network namespace holding a veth named like the VM's NIC. `-e` makes a missing
 * file an error: without it `keepalived -t` exits 0.
 */
async function keepalivedTest(file: string, nic = "eth0"): Promise<Outcome> {
  const asUser = process.getuid?.() === 0 ? [] : ["--map-root-user"];
  const setup = '"$1" link add "$2" type veth peer name onekube-peer0 || exit 90; shift 2; exec "$@"';
  const args = [...asUser, "--net", "sh", "-c", setup, "sh", tool("ip", "iproute2"), nic];
  const r = await execa(
    tool("unshare", "util-linux"),
    [...args, tool("keepalived", "keepalived"), "-t", "-e", "-f", file],
    {
      reject: false,
    },
  );
  if (r.exitCode === 90 || /^unshare: /m.test(r.stderr)) {
    assert.fail(`could not prepare a network namespace with NIC ${nic} for keepalived -t:\n${r.stderr}`);
  }
  return { exitCode: r.exitCode, stderr: r.stderr };
}

/** `-dW` (zero-warning mode) turns HAProxy's warnings into a failed check. */
async function haproxyCheck(file: string): Promise<Outcome> {
  const r = await execa(tool("haproxy", "haproxy"), ["-c", "-dW", "-f", file], { reject: false });
  return { exitCode: r.exitCode, stderr: r.stderr };
}

function assertAccepted(what: string, outcome: Outcome): void {
  assert.equal(outcome.exitCode, 0, `${what} rejected (exit ${outcome.exitCode}):\n${outcome.stderr}`);
}

function masters(count: number, port = 6443): { address: string; port: number }[] {
  return Array.from({ length: count }, (_, i) => ({ address: `10.0.0.${11 + i}`, port }));
}

const CASES = [
  { name: "three-masters", endpointPort: 6443, backends: masters(3) },
  { name: "zero-masters", endpointPort: 6443, backends: masters(0) },
  { name: "five-masters", endpointPort: 6443, backends: masters(5) },
  { name: "custom-port", endpointPort: 7443, backends: masters(3, 6443) },
];

function keepalivedInput(c: (typeof CASES)[number], mode: "lvs" | "haproxy"): KeepalivedInput {
  return {
    interface: "eth0",
    vip: { address: "10.0.0.100", prefix: 24 },
    virtualRouterId: 42,
    selfAddress: "10.0.0.2",
    peers: ["10.0.0.2", "10.0.0.3"],
    loadBalancer: mode === "lvs" ? { mode, port: c.endpointPort, backends: c.backends } : { mode },
  };
}

describe("keepalived -t accepts the rendered keepalived.conf", () => {
  for (const c of CASES) {
    for (const mode of ["lvs", "haproxy"] as const) {
      test(`${c.name}, ${mode} mode`, async () => {
        // GIVEN the rendered file on disk
        const file = write(
          `keepalived-${c.name}-${mode}.conf`,
          renderKeepalived(keepalivedInput(c, mode)).content,
        );
        // WHEN keepalived checks it THEN it exits 0
        assertAccepted(file, await keepalivedTest(file));
      });
    }
  }

  test("a lone VNF without unicast peers", async () => {
    // GIVEN a vnf role of one VM
    const input = { ...keepalivedInput(CASES[0] ?? assert.fail(), "haproxy"), peers: ["10.0.0.2"] };
    const file = write("keepalived-single.conf", renderKeepalived(input).content);
    // WHEN checked THEN accepted
    assertAccepted(file, await keepalivedTest(file));
  });
});

describe("haproxy -c accepts the rendered haproxy.cfg", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      // GIVEN the rendered file, with its stats socket in a per-VM run directory
      const input = { vip: "10.0.0.100", port: c.endpointPort, backends: c.backends };
      const content = renderHaproxy({
        ...input,
        statsSocket: join(dir, `run-${c.name}`, "admin.sock"),
      }).content;
      const file = write(`haproxy-${c.name}.cfg`, content);
      // WHEN HAProxy checks it in zero-warning mode THEN it exits 0
      assertAccepted(file, await haproxyCheck(file));
    });
  }
});

describe("the checks bite: broken files are rejected", () => {
  const good = renderKeepalived(keepalivedInput(CASES[0] ?? assert.fail(), "lvs")).content;
  const goodCfg = renderHaproxy({ vip: "10.0.0.100", port: 6443, backends: masters(3) }).content;

  test("keepalived: an unknown LVS method", async () => {
    // GIVEN a rendered file with a bogus lb_kind
    assert.match(good, /lb_kind NAT/);
    const file = write("broken-lb-kind.conf", good.replace("lb_kind NAT", "lb_kind BOGUS"));
    // WHEN checked THEN rejected, for that reason
    const outcome = await keepalivedTest(file);
    assert.notEqual(outcome.exitCode, 0);
    assert.match(outcome.stderr, /BOGUS/);
  });

  test("keepalived: a NIC the VM does not have", async () => {
    // GIVEN a file for eth0 checked where only eth1 exists
    const file = write("broken-nic.conf", good);
    // WHEN checked THEN rejected: the namespace, not the host, decides which NICs exist
    const outcome = await keepalivedTest(file, "eth1");
    assert.notEqual(outcome.exitCode, 0);
    assert.match(outcome.stderr, /eth0/);
  });

  test("keepalived: a virtual_server without real_server", async () => {
    // GIVEN the block the renderer leaves out for zero masters, written by hand
    const file = write(
      "broken-empty-vs.conf",
      `${good}\nvirtual_server 10.0.0.100 7443 {\n    protocol TCP\n}\n`,
    );
    // WHEN checked THEN rejected, which is why the renderer omits it
    const outcome = await keepalivedTest(file);
    assert.notEqual(outcome.exitCode, 0);
    assert.match(outcome.stderr, /no real servers/);
  });

  test("keepalived: a missing file", async () => {
    // GIVEN a path with no file WHEN checked THEN rejected (thanks to -e)
    const outcome = await keepalivedTest(join(dir, "absent.conf"));
    assert.notEqual(outcome.exitCode, 0);
  });

  test("haproxy: an unknown balance algorithm", async () => {
    // GIVEN a rendered file with a bogus balance algorithm
    assert.match(goodCfg, /balance roundrobin/);
    const file = write("broken-balance.cfg", goodCfg.replace("balance roundrobin", "balance bogus"));
    // WHEN checked THEN rejected, for that reason
    const outcome = await haproxyCheck(file);
    assert.notEqual(outcome.exitCode, 0);
    assert.match(outcome.stderr, /balance/);
  });

  test("haproxy: a warning alone (missing client timeout) fails the check", async () => {
    // GIVEN a rendered file without its client timeout
    assert.match(goodCfg, /timeout client 1h\n/);
    const file = write("broken-timeout.cfg", goodCfg.replace("    timeout client 1h\n", ""));
    // WHEN checked in zero-warning mode THEN rejected
    const outcome = await haproxyCheck(file);
    assert.notEqual(outcome.exitCode, 0);
    assert.match(outcome.stderr, /missing timeouts/);
  });
});
