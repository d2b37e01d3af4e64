import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  /** Base URL, e.g. http://127.0.0.1:2474. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a Node HTTP server on host:port (0 = ephemeral) and gives its URL and a clean close. */
export async function listen(server: Server, host: string, port: number): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
