/**
 * A stand-in for kube-apiserver where the real one must not run (the vnf role's own tests): an
 * HTTPS server that answers `/readyz` with 200 (as kube-apiserver does anonymously) and any other
 * path with the answering host's name (or the name it is given), so that a client can tell which
 * master served it. The VNFs check masters over TLS on /readyz, so a plain TCP server would be
 * taken out of rotation. The certificate is self-signed, made once per process with openssl.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

let certDir: string | undefined;

/** A directory holding key.pem and cert.pem, readable by every VM of the host. */
export function standInCertDir(): string {
  if (certDir) return certDir;
  const dir = mkdtempSync(join(tmpdir(), "onekube-stand-in-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      "/CN=stand-in-apiserver",
      "-days",
      "2",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  certDir = dir;
  return dir;
}

/** `node -e` source of the server; argv[1] (after -e SCRIPT) is its name, the host name if empty. */
export function standInApiScript(port: number): string {
  const dir = standInCertDir();
  return `const fs=require("node:fs");const os=require("node:os");const name=process.argv[1]||os.hostname();
require("node:https").createServer({key:fs.readFileSync(${JSON.stringify(join(dir, "key.pem"))}),cert:fs.readFileSync(${JSON.stringify(join(dir, "cert.pem"))})},
(q,s)=>s.end(q.url==="/readyz"?"ok":name+"\\n")).listen(${port},"0.0.0.0",()=>console.log("listening"));`;
}

/** One HTTPS request to `address:port`: the body (the answering stand-in's name), or undefined on any failure. */
export function askStandIn(address: string, port: number, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(
      { host: address, port, path: "/", rejectUnauthorized: false, agent: false, timeout: timeoutMs },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => resolve(res.statusCode === 200 ? body.trim() || undefined : undefined));
        res.on("error", () => resolve(undefined));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}
