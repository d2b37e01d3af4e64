/**
 * Tiny network clients and servers run with `node -e` inside a test namespace: a TCP server that
 * tells each client the address it saw, its client, and a one-question DNS client that reports
 * the response code itself (node's resolver turns unbound's REFUSED into a vague EBADRESP).
 */
import type { Exec } from "../../src/host/exec.js";

/** Args: PORT. Prints "listening", then answers each connection with the peer's address. */
export const PEER_ECHO_SERVER = `
import net from "node:net";
const server = net.createServer((c) => c.end(c.remoteAddress + "\\n"));
server.listen(Number(process.argv[1]), "0.0.0.0", () => console.log("listening"));
`;

/** Args: HOST PORT. Prints the line the server sent, or "unreachable: <why>". */
const PEER_ECHO_CLIENT = `
import net from "node:net";
const c = net.connect({ host: process.argv[1], port: Number(process.argv[2]), timeout: 1500 });
let data = "";
c.on("data", (d) => (data += d));
c.on("end", () => console.log(data.trim()));
c.on("timeout", () => { console.log("unreachable: timeout"); c.destroy(); });
c.on("error", (e) => console.log("unreachable: " + e.code));
`;

/** Args: SERVER NAME [SOURCE]. Prints {"rcode": n, "addresses": [...]} or {"error": "..."}. */
const DNS_QUERY = `
import dgram from "node:dgram";
const [server, name, source] = process.argv.slice(1);
const labels = name.split(".").filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
const id = Math.floor(Math.random() * 65536);
const header = Buffer.alloc(12);
header.writeUInt16BE(id, 0); header.writeUInt16BE(0x0100, 2); header.writeUInt16BE(1, 4);
const query = Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
const sock = dgram.createSocket("udp4");
const timer = setTimeout(() => { console.log(JSON.stringify({ error: "timeout" })); sock.close(); }, 2000);
function skipName(buf, at) {
  while (buf[at] !== 0) { if ((buf[at] & 0xc0) === 0xc0) return at + 2; at += buf[at] + 1; }
  return at + 1;
}
sock.on("message", (buf) => {
  if (buf.readUInt16BE(0) !== id) return;
  clearTimeout(timer);
  let at = 12;
  for (let i = 0; i < buf.readUInt16BE(4); i++) at = skipName(buf, at) + 4;
  const addresses = [];
  for (let i = 0; i < buf.readUInt16BE(6); i++) {
    at = skipName(buf, at);
    const type = buf.readUInt16BE(at), length = buf.readUInt16BE(at + 8);
    if (type === 1 && length === 4) addresses.push([...buf.subarray(at + 10, at + 14)].join("."));
    at += 10 + length;
  }
  console.log(JSON.stringify({ rcode: buf[3] & 0x0f, addresses }));
  sock.close();
});
sock.bind({ address: source || "0.0.0.0", port: 0 }, () => sock.send(query, 53, server));
`;

export const RCODE = { NOERROR: 0, NXDOMAIN: 3, REFUSED: 5 } as const;

export interface DnsAnswer {
  readonly rcode?: number;
  readonly addresses?: readonly string[];
  readonly error?: string;
}

function node(exec: Exec, script: string, args: readonly string[]): Promise<string> {
  return exec
    .run(process.execPath, ["--input-type=module", "-e", script, ...args], { operation: "run a probe" })
    .then((r) => r.stdout.trim());
}

/** What the TCP server at HOST:PORT saw as our address, or "unreachable: ..." */
export function peerSeenBy(exec: Exec, host: string, port: number): Promise<string> {
  return node(exec, PEER_ECHO_CLIENT, [host, String(port)]);
}

/** One A query to `server`, optionally from a chosen source address. */
export async function queryA(exec: Exec, server: string, name: string, source?: string): Promise<DnsAnswer> {
  return JSON.parse(await node(exec, DNS_QUERY, [server, name, ...(source ? [source] : [])])) as DnsAnswer;
}
