import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { NETWORKD_DROPIN, networkFile, renderNetwork } from "../../../src/appliance/context/network.js";
import { networkStep } from "../../../src/appliance/context/network-step.js";
import { stepContext, tempDirs } from "./context-world.js";

const ETH0 = { name: "eth0", mac: "02:00:0a:00:00:05" };
const ETH1 = { name: "eth1", mac: "02:00:c0:a8:01:07" };
/** A .network file as the renderer writes it: header and [Match] by MAC, then `rest`. */
const expectFile = (n: number, nic: { name: string; mac: string }, rest: string) =>
  `# onekube contextualize: ETH${n} of the context (${nic.name} at boot); rewritten at every boot
[Match]
MACAddress=${nic.mac}
Type=ether

${rest}`;

interface Case {
  readonly name: string;
  readonly vars: Record<string, string>;
  readonly nics: readonly { name: string; mac: string }[];
  /** Expected .network files by ETH index. */
  readonly files: Record<number, string>;
  readonly notes?: readonly RegExp[];
}

const CASES: readonly Case[] = [
  {
    name: "one NIC, static, as OpenNebula writes it (MAC in upper case, empty variables)",
    vars: {
      ETH0_MAC: "02:00:0A:00:00:05",
      ETH0_IP: "10.0.0.5",
      ETH0_MASK: "255.255.255.0",
      ETH0_GATEWAY: "10.0.0.1",
      ETH0_DNS: "10.0.0.1",
      ETH0_MTU: "",
      ETH0_METRIC: "",
      ETH0_IP6: "",
    },
    nics: [ETH0],
    files: {
      0: expectFile(
        0,
        ETH0,
        `[Network]
Address=10.0.0.5/24
DNS=10.0.0.1

[Route]
Gateway=10.0.0.1
`,
      ),
    },
  },
  {
    name: "two NICs with gateways and metrics; the mask defaults to /24",
    vars: {
      ETH0_MAC: ETH0.mac,
      ETH0_IP: "10.0.0.5",
      ETH0_GATEWAY: "10.0.0.1",
      ETH0_METRIC: "100",
      ETH1_MAC: ETH1.mac,
      ETH1_IP: "192.168.1.7",
      ETH1_MASK: "255.255.0.0",
      ETH1_GATEWAY: "192.168.0.1",
      ETH1_METRIC: "200",
    },
    nics: [ETH1, ETH0],
    files: {
      0: expectFile(
        0,
        ETH0,
        `[Network]
Address=10.0.0.5/24

[Route]
Gateway=10.0.0.1
Metric=100
`,
      ),
      1: expectFile(
        1,
        ETH1,
        `[Network]
Address=192.168.1.7/16

[Route]
Gateway=192.168.0.1
Metric=200
`,
      ),
    },
  },
  {
    name: "DHCP, with the context's DNS and MTU",
    vars: { ETH0_MAC: ETH0.mac, ETH0_METHOD: "dhcp", DNS: "1.1.1.1 9.9.9.9", ETH0_MTU: "1450" },
    nics: [ETH0],
    files: {
      0: expectFile(
        0,
        ETH0,
        `[Link]
MTUBytes=1450

[Network]
DHCP=ipv4
DNS=1.1.1.1
DNS=9.9.9.9
`,
      ),
    },
  },
  {
    name: "method skip leaves the NIC alone; static without an IP is not configured",
    vars: { ETH0_MAC: ETH0.mac, ETH0_METHOD: "skip", ETH0_IP: "10.0.0.5", ETH1_MAC: ETH1.mac, ETH1_IP: "" },
    nics: [ETH0, ETH1],
    files: {},
    notes: [/ETH0 \(eth0\): ETH0_METHOD=skip, left alone/, /ETH1 \(eth1\): no address in the context/],
  },
  {
    name: "search domains: the NIC's and the global one, each once; a bad one dropped",
    vars: {
      ETH0_MAC: ETH0.mac,
      ETH0_IP: "10.0.0.5",
      ETH0_SEARCH_DOMAIN: "nodes.example.com example.com",
      SEARCH_DOMAIN: "example.com bad_domain",
    },
    nics: [ETH0],
    files: {
      0: expectFile(
        0,
        ETH0,
        `[Network]
Address=10.0.0.5/24
Domains=nodes.example.com example.com
`,
      ),
    },
    notes: [/search domain "bad_domain" ignored/],
  },
  {
    name: "a MAC that matches no NIC: nothing written, and said",
    vars: { ETH0_MAC: "02:00:00:00:00:99", ETH0_IP: "10.0.0.5" },
    nics: [ETH0],
    files: {},
    notes: [/ETH0_MAC=02:00:00:00:00:99 matches no NIC of this VM \(eth0 02:00:0a:00:00:05\)/],
  },
  {
    name: "a link-local OneGate gets a link-scope route on the first configured NIC only",
    vars: {
      ONEGATE_ENDPOINT: "http://169.254.16.9:5030",
      ETH0_MAC: "02:00:00:00:00:99",
      ETH1_MAC: ETH1.mac,
      ETH1_IP: "192.168.1.7",
      ETH2_MAC: ETH0.mac,
      ETH2_IP: "10.0.0.5",
    },
    nics: [ETH0, ETH1],
    files: {
      1: expectFile(
        1,
        ETH1,
        `[Network]
Address=192.168.1.7/24

[Route]
Destination=169.254.16.9/32
Scope=link
`,
      ),
      2: expectFile(
        2,
        ETH0,
        `[Network]
Address=10.0.0.5/24
`,
      ),
    },
  },
  {
    name: "a value with quotes or a new line never reaches a file",
    vars: {
      ETH0_MAC: ETH0.mac,
      ETH0_IP: "10.0.0.5\n[Network]\nDHCP=yes",
      ETH1_MAC: ETH1.mac,
      ETH1_IP: "192.168.1.7",
      ETH1_GATEWAY: "192.168.1.1' x='",
      ETH1_DNS: '"8.8.8.8"',
    },
    nics: [ETH0, ETH1],
    files: {
      1: expectFile(
        1,
        ETH1,
        `[Network]
Address=192.168.1.7/24
`,
      ),
    },
    notes: [
      /ETH0_IP=.* is not an IPv4 address/,
      /ETH1_GATEWAY=.* ignored/,
      /DNS server "\\"8.8.8.8\\"" is not an address/,
    ],
  },
  {
    name: "IPv6 static beside IPv4, and ETH<n>_ROUTES",
    vars: {
      ETH0_MAC: ETH0.mac,
      ETH0_IP: "10.0.0.5",
      ETH0_IP6: "2001:db8::5",
      ETH0_IP6_PREFIX_LENGTH: "64",
      ETH0_IP6_GATEWAY: "2001:db8::1",
      ETH0_ROUTES: "10.1.0.0/16 via 10.0.0.254, 10.2.0.0/16 via 10.0.0.253",
    },
    nics: [ETH0],
    files: {
      0: expectFile(
        0,
        ETH0,
        `[Network]
Address=10.0.0.5/24
Address=2001:db8::5/64

[Route]
Gateway=2001:db8::1

[Route]
Destination=10.1.0.0/16
Gateway=10.0.0.254

[Route]
Destination=10.2.0.0/16
Gateway=10.0.0.253
`,
      ),
    },
  },
];

describe("network renderer: context + NICs -> systemd-networkd files", () => {
  for (const c of CASES) {
    test(c.name, () => {
      const plan = renderNetwork(c.vars, c.nics);
      const expected = Object.entries(c.files).map(([n, content]) => ({
        path: networkFile(Number(n)),
        content,
      }));
      assert.deepEqual(plan.files, [...expected, NETWORKD_DROPIN]);
      for (const note of c.notes ?? [])
        assert.ok(
          plan.notes.some((n) => note.test(n)),
          `${note} in ${plan.notes.join(" | ")}`,
        );
    });
  }

  test("networkd keeps its hands off the CNI's routes and rules", () => {
    assert.equal(NETWORKD_DROPIN.path, "/etc/systemd/networkd.conf.d/onekube.conf");
    assert.match(
      NETWORKD_DROPIN.content,
      /^\[Network\]\nManageForeignRoutes=no\nManageForeignRoutingPolicyRules=no\n/m,
    );
  });
});

describe("network step", () => {
  test("writes once, then reports unchanged; removes only its own stale files", async () => {
    // GIVEN a root with one NIC, a stale file of ours (ETH3) and a file of someone else
    const temps = tempDirs("okb-net-");
    const root = temps.make();
    try {
      mkdirSync(join(root, "sys/class/net/eth0"), { recursive: true });
      writeFileSync(join(root, "sys/class/net/eth0/address"), `${ETH0.mac}\n`);
      const dir = join(root, "etc/systemd/network");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "10-onekube-eth3.network"), "[Match]\n");
      writeFileSync(join(dir, "50-mine.network"), "[Match]\n");
      const ctx = stepContext(root, { ETH0_MAC: ETH0.mac, ETH0_IP: "10.0.0.5" });
      // WHEN the step runs twice
      const first = await networkStep.run(ctx);
      const second = await networkStep.run(ctx);
      // THEN the first changed, the second did not; ours stale went, theirs stayed
      assert.equal(first, "changed");
      assert.equal(second, "unchanged");
      assert.deepEqual(readdirSync(dir).sort(), ["10-onekube-eth0.network", "50-mine.network"]);
      assert.deepEqual(readdirSync(join(root, "etc/systemd/networkd.conf.d")), ["onekube.conf"]);
    } finally {
      temps.cleanup();
    }
  });
});
