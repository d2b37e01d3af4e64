/**
 * The Node edge of the embedded OneFlow: an HTTP server around the fetch-style app, on
 * 127.0.0.1 and an ephemeral port unless told otherwise (upstream's default is :2474).
 */
import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import { listen } from "../host/http-server.js";
import type { OneFlowApp } from "./server.js";

export interface ServeOptions {
  readonly host?: string;
  readonly port?: number;
}

export interface OneFlowServer {
  /** Base URL for ONEFLOW_URL. */
  readonly url: string;
  close(): Promise<void>;
}

export async function serveOneFlow(app: OneFlowApp, options: ServeOptions = {}): Promise<OneFlowServer> {
  const host = options.host ?? "127.0.0.1";
  // Keep the process's own Request/Response: the embedded cloud runs other code beside this.
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  return listen(server, host, options.port ?? 0);
}
