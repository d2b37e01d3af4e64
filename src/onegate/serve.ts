/**
 * The Node edge of the embedded OneGate: an HTTP server around the fetch-style app. Its one
 * extra duty is the body of a GET, which a fetch Request cannot carry but OpenNebula's CLI sends
 * (`service show --extended` puts `extended=true` there): it is read here and handed to the app
 * as the `getBody` binding.
 */
import type { IncomingMessage, Server } from "node:http";
import { createAdaptorServer, type HttpBindings } from "@hono/node-server";
import { listen } from "../host/http-server.js";
import type { OneGateBindings } from "./params.js";
import type { OneGateApp } from "./server.js";

export interface ServeOptions {
  /** Default 127.0.0.1, as upstream's `:host:`. */
  readonly host?: string;
  /** Default 0: an ephemeral port (upstream's is 5030). */
  readonly port?: number;
}

export interface OneGateServer {
  /** Base URL to give VMs as ONEGATE_ENDPOINT. */
  readonly url: string;
  close(): Promise<void>;
}

/** A GET body is a handful of form fields; anything bigger is not OneGate's business. */
const MAX_GET_BODY = 64 * 1024;

/** The body of a GET, or undefined when it is larger than OneGate would ever need. */
async function readGetBody(incoming: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    // The rest is drained, not kept, so that the answer (413) still reaches the client.
    if (size <= MAX_GET_BODY) chunks.push(chunk);
  }
  return size > MAX_GET_BODY ? undefined : Buffer.concat(chunks).toString("utf8");
}

export async function serveOneGate(app: OneGateApp, options: ServeOptions = {}): Promise<OneGateServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createAdaptorServer({
    // Keep the process's own Request/Response: the embedded cloud runs other code beside this.
    overrideGlobalObjects: false,
    fetch: async (request, env) => {
      if (request.method !== "GET") return app.fetch(request, {} satisfies OneGateBindings);
      const getBody = await readGetBody((env as HttpBindings).incoming);
      if (getBody === undefined) {
        return new Response("Request body too large", {
          status: 413,
          headers: { "Content-Type": "application/json;charset=utf-8" },
        });
      }
      return app.fetch(request, { getBody } satisfies OneGateBindings);
    },
  }) as Server;

  return listen(server, host, options.port ?? 0);
}
