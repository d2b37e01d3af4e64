import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { FAILURE_KEYS } from "../../src/agent/main.js";
import { MemoryBackend } from "../../src/onegate/memory-backend.js";
import { type OneGateServer, serveOneGate } from "../../src/onegate/serve.js";
import { createOneGateApp } from "../../src/onegate/server.js";
import { newTokenPassword } from "../../src/onegate/token.js";
import { decodeValue } from "../../src/onegate/values.js";
import { formatContext } from "../../src/params/context.js";
import { ONEKUBE } from "../helpers/cli.js";
import { vm } from "../unit/onegate/world.js";

let dir: string;
let server: OneGateServer;
const backend = new MemoryBackend();

function addVm(id: number, role: string, ip: string) {
  backend.putVm(
    vm(
      id,
      { SERVICE_ID: "5", ROLE_NAME: role },
      {
        name: `${role}_${id}_(service_5)`,
        nics: [{ IP: ip, MAC: "02:00:0a:00:00:0b", NAME: "_NIC0", NETWORK: "service" }],
      },
    ),
  );
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "onekube-agent-"));
  backend.setTokenPassword(0, newTokenPassword());
  addVm(11, "master", "10.0.0.11");
  addVm(2, "vnf", "10.0.0.2");
  backend.putService({
    id: 5,
    name: "k8s",
    state: 1,
    roles: [
      { name: "vnf", cardinality: 1, state: 2, nodes: [{ deployId: 2 }] },
      { name: "master", cardinality: 1, state: 1, nodes: [{ deployId: 11 }] },
    ],
  });
  server = await serveOneGate(createOneGateApp(backend, { log: () => {} }));
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A VM's context directory as OpenNebula delivers it: context.sh and token.txt. */
async function contextDir(id: number, ip: string, extra: Record<string, string>): Promise<string> {
  const d = join(dir, `vm-${id}`);
  await execa("mkdir", ["-p", d]);
  await writeFile(
    join(d, "context.sh"),
    formatContext({ ETH0_IP: ip, ONEGATE_ENDPOINT: server.url, VMID: String(id), TOKEN: "YES", ...extra }),
  );
  await writeFile(join(d, "token.txt"), `${backend.tokenFor(id)}\n`);
  return d;
}

const agent = (d: string) =>
  execa("node", [ONEKUBE, "agent", "--once", "--context-dir", d], {
    reject: false,
    all: true,
    // The agent's phases without Kubernetes: this host is not a node (the e2e tests run real ones).
    env: { http_proxy: "", ONEKUBE_NODE_RUNTIME: "none" },
  });

describe("onekube agent (minimal) against the real OneGate server", () => {
  test("a master reads its role, publishes its node name and READY=YES; a re-run changes nothing", async () => {
    // GIVEN a master VM's context
    const d = await contextDir(11, "10.0.0.11", { ONEAPP_VNF_LB0_IP: "10.0.0.100" });
    // WHEN its agent runs
    const first = await agent(d);
    // THEN it reported READY and its node name through the real protocol
    assert.equal(first.exitCode, 0, first.all);
    const tpl = backend.vm(11)?.userTemplate ?? {};
    assert.equal(tpl.READY, "YES");
    assert.equal(tpl.ONEGATE_K8S_NODE_NAME, "onekube-ip-10-0-0-11");
    assert.match(first.all ?? "", /is master of service 5 at 10\.0\.0\.11/);
    // AND a second run finds nothing to change
    const second = await agent(d);
    assert.equal(second.exitCode, 0, second.all);
    assert.match(second.all ?? "", /\[publish-facts\] unchanged/);
    assert.match(second.all ?? "", /\[report-ready\] unchanged/);
  });

  test("bad parameters fail the VM before anything changes, and the error reaches OneGate", async () => {
    const d = await contextDir(2, "10.0.0.2", {
      ONEAPP_VNF_LB0_IP: "10.0.0.100",
      ONEAPP_VNF_LB_REFRESH_RATE: "0",
    });
    const run = await agent(d);
    assert.notEqual(run.exitCode, 0);
    const tpl = backend.vm(2)?.userTemplate ?? {};
    assert.equal(tpl.READY, undefined);
    assert.equal(tpl[FAILURE_KEYS.phase], "validate-params");
    assert.match(decodeValue(String(tpl[FAILURE_KEYS.error])), /ONEAPP_VNF_LB_REFRESH_RATE="0"/);
  });
});
