import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { OneGateClient } from "../../src/onegate/client.js";
import { attribute } from "../../src/onegate/client-values.js";
import { ServiceDocumentSchema } from "../../src/onegate/protocol.js";
import { type OneGateServer, serveOneGate } from "../../src/onegate/serve.js";
import { JSON_TYPE, world } from "../unit/onegate/world.js";

interface RawAnswer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** A GET with a form body, written with node:http as OpenNebula's Ruby client sends it. */
function getWithBody(url: string, headers: Record<string, string>, body: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        headers: {
          ...headers,
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"],
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

describe("OneGate over HTTP", () => {
  const w = world();
  let server: OneGateServer;
  const clientOf = (vmId: number) =>
    OneGateClient.fromEnvironment({
      ONEGATE_ENDPOINT: server.url,
      VMID: String(vmId),
      TOKENTXT: w.backend.tokenFor(vmId),
    });
  const auth = (vmId: number) => ({
    "X-ONEGATE-TOKEN": w.backend.tokenFor(vmId),
    "X-ONEGATE-VMID": String(vmId),
  });

  before(async () => {
    server = await serveOneGate(w.app, { host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await server?.close();
  });

  test("listens on 127.0.0.1 on an ephemeral port", () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("a value one VM publishes is read by another VM of the service", async () => {
    // GIVEN the first master publishes its API endpoint
    await clientOf(10).update({ ONEGATE_K8S_MASTER: "172.20.0.10", ONEGATE_K8S_PORT: "6443" });
    // WHEN the worker reads the master THEN it sees both values
    const master = await clientOf(20).vmById(10);
    assert.equal(attribute(master, "ONEGATE_K8S_MASTER"), "172.20.0.10");
    assert.equal(attribute(master, "ONEGATE_K8S_PORT"), "6443");
  });

  test("extended=true in a form-encoded GET body gives whole VM documents", async () => {
    // GIVEN a GET /service carrying `extended=true` in its body, as the CLI sends it
    const extended = await getWithBody(`${server.url}/service`, auth(20), "extended=true");
    // THEN each node's vm_info is the unfiltered VM
    assert.equal(extended.status, 200);
    assert.equal(extended.contentType, JSON_TYPE);
    const doc = ServiceDocumentSchema.parse(JSON.parse(extended.body));
    assert.equal(doc.SERVICE.roles[0]?.nodes[0]?.vm_info.VM.STATE, "3");
    // AND without the body the nodes show identity only
    const plain = await getWithBody(`${server.url}/service`, auth(20), "");
    const reduced = ServiceDocumentSchema.parse(JSON.parse(plain.body));
    assert.deepEqual(Object.keys(reduced.SERVICE.roles[0]?.nodes[0]?.vm_info.VM ?? {}), [
      "ID",
      "UID",
      "GID",
      "UNAME",
      "GNAME",
      "NAME",
    ]);
  });

  test("a scale call from a VM reaches the backend", async () => {
    await clientOf(20).scale("worker", 2);
    assert.deepEqual(w.backend.scaleRequests, [{ serviceId: 7, role: "worker", cardinality: 2 }]);
  });

  test("errors keep their status and plain-text body over HTTP", async () => {
    const answer = await fetch(`${server.url}/vm`);
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get("content-type"), JSON_TYPE);
    assert.equal(await answer.text(), "Not authorized");
  });

  test("close leaves nothing listening, even with a kept-alive connection", async () => {
    // GIVEN a second server with a client connection kept alive
    const other = await serveOneGate(w.app);
    const port = Number(new URL(other.url).port);
    await getWithBody(`${other.url}/vm`, { ...auth(10), Connection: "keep-alive" }, "");
    // WHEN it is closed THEN the port refuses connections
    await other.close();
    assert.equal(await refused(port), true);
  });
});

test("a GET body larger than OneGate needs is refused with 413, not read to the end", async () => {
  const { serveOneGate: serve } = await import("../../src/onegate/serve.js");
  const { createOneGateApp: create } = await import("../../src/onegate/server.js");
  const { MemoryBackend: Backend } = await import("../../src/onegate/memory-backend.js");
  const { request } = await import("node:http");
  const server = await serve(create(new Backend(), { log: () => {} }));
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/service`,
        {
          method: "GET",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": String(200 * 1024),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end("x".repeat(200 * 1024));
    });
    assert.equal(status, 413);
  } finally {
    await server.close();
  }
});
