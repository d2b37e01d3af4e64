import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type HaproxyInput, renderHaproxy } from "../../../src/render/haproxy.js";
import { assertGolden } from "../../helpers/golden.js";

const MASTERS = [
  { address: "10.0.0.13", port: 6443 },
  { address: "10.0.0.11", port: 6443 },
  { address: "10.0.0.12", port: 6443 },
];

function input(overrides: Partial<HaproxyInput> = {}): HaproxyInput {
  return { vip: "10.0.0.100", port: 6443, backends: MASTERS, ...overrides };
}

/** `server NAME ADDRESS:PORT` lines as `[name, address:port]`, in order. */
function servers(content: string): [string, string][] {
  return [...content.matchAll(/^\s+server (\S+) (\S+) check$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]);
}

describe("renderHaproxy", () => {
  test("three masters: golden file, one checked server per master, in address order", () => {
    // GIVEN three masters listed out of order
    // WHEN rendered
    const file = renderHaproxy(input());
    // THEN the file matches the reviewed golden copy
    assert.equal(file.path, "haproxy/haproxy.cfg");
    assertGolden("haproxy/three-masters.cfg", file.content);
    // AND each master is a server named after its address, on its port
    assert.deepEqual(servers(file.content), [
      ["master-10-0-0-11", "10.0.0.11:6443"],
      ["master-10-0-0-12", "10.0.0.12:6443"],
      ["master-10-0-0-13", "10.0.0.13:6443"],
    ]);
    // AND the frontend binds the VIP and the backend balances TCP with health checks
    assert.match(file.content, /^\s+bind 10\.0\.0\.100:6443$/m);
    assert.match(file.content, /^\s+mode tcp$/m);
    assert.match(file.content, /^\s+balance roundrobin$/m);
    // AND each is checked over TLS on /readyz (a hung API server still accepts TCP), fast
    assert.match(file.content, /^\s+option httpchk$/m);
    assert.match(file.content, /^\s+http-check send meth GET uri \/readyz$/m);
    assert.match(file.content, /^\s+http-check expect status 200$/m);
    assert.match(file.content, /^\s+timeout check 500ms$/m);
    assert.match(
      file.content,
      /^\s+default-server check-ssl verify none inter 500ms fastinter 250ms downinter 1s fall 2 rise 2\b/m,
    );
  });

  test("timeouts let kubectl watches live and fail fast on a dead master", () => {
    // GIVEN the default input WHEN rendered
    const { content } = renderHaproxy(input());
    // THEN connect is short and client/server idle timeouts outlast an API watch
    assert.match(content, /^\s+timeout connect 5s$/m);
    assert.match(content, /^\s+timeout client 1h$/m);
    assert.match(content, /^\s+timeout server 1h$/m);
    assert.match(content, /^\s+maxconn \d+$/m);
  });

  test("custom port: the endpoint listens on 7443 and forwards to masters on 6443", () => {
    // GIVEN endpoint 10.0.0.100:7443 in front of masters on 6443
    const { content } = renderHaproxy(input({ port: 7443 }));
    // THEN bind and servers use their own ports
    assertGolden("haproxy/custom-port.cfg", content);
    assert.match(content, /^\s+bind 10\.0\.0\.100:7443$/m);
    assert.ok(servers(content).every(([, target]) => target.endsWith(":6443")));
  });

  test("zero masters: a backend without servers, frontend still bound", () => {
    // GIVEN no master has published a backend yet
    const { content } = renderHaproxy(input({ backends: [] }));
    // THEN no server line is written and the frontend is still there
    assertGolden("haproxy/zero-masters.cfg", content);
    assert.deepEqual(servers(content), []);
    assert.match(content, /^\s+bind 10\.0\.0\.100:6443$/m);
  });

  test("the stats socket path is a parameter, /run/haproxy/admin.sock by default", () => {
    // GIVEN a VM with its own run directory
    const own = renderHaproxy(input({ statsSocket: "/tmp/vm-3/run/haproxy.sock" })).content;
    // THEN the socket is there, and the default is Debian's path
    assert.match(own, /^\s+stats socket \/tmp\/vm-3\/run\/haproxy\.sock mode 600 level admin/m);
    assert.match(renderHaproxy(input()).content, /^\s+stats socket \/run\/haproxy\/admin\.sock /m);
  });

  test("deterministic: order and exact duplicates of backends do not change the output", () => {
    // GIVEN the masters reversed, with one repeated, and addresses that sort differently as text
    const a = renderHaproxy(input({ backends: [...MASTERS].reverse().concat(MASTERS[0] ?? []) })).content;
    const b = renderHaproxy(input({ backends: MASTERS })).content;
    const numeric = renderHaproxy(
      input({
        backends: [
          { address: "10.0.0.10", port: 1 },
          { address: "10.0.0.9", port: 1 },
        ],
      }),
    );
    // THEN outputs are identical and addresses are ordered as numbers
    assert.equal(a, b);
    assert.deepEqual(
      servers(numeric.content).map(([name]) => name),
      ["master-10-0-0-9", "master-10-0-0-10"],
    );
  });

  test("a master reached on two ports gets two distinct server names", () => {
    // GIVEN one address with two ports
    const backends = [
      { address: "10.0.0.11", port: 6443 },
      { address: "10.0.0.11", port: 16443 },
    ];
    // WHEN rendered THEN the names carry the port so HAProxy accepts them
    assert.deepEqual(servers(renderHaproxy(input({ backends })).content), [
      ["master-10-0-0-11-6443", "10.0.0.11:6443"],
      ["master-10-0-0-11-16443", "10.0.0.11:16443"],
    ]);
  });

  test("programmer errors name the bad field", () => {
    // GIVEN inputs that src/params would never produce WHEN rendered THEN the error names the field
    assert.throws(() => renderHaproxy(input({ vip: "10.0.0.256" })), /vip is not an IPv4 address/);
    assert.throws(() => renderHaproxy(input({ port: 70000 })), /port must be an integer 1\.\.65535/);
    assert.throws(
      () => renderHaproxy(input({ backends: [{ address: "a", port: 1 }] })),
      /backends\[0\]\.address/,
    );
    assert.throws(
      () => renderHaproxy(input({ statsSocket: "run/admin.sock" })),
      /statsSocket must be an absolute path/,
    );
  });
});
