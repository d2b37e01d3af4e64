/**
 * The Node edge of the embedded OneFlow: an HTTP server around the fetch-style app, on
 * 127.0.0.1 and an ephemeral port unless told otherwise (upstream's default is :2474).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
