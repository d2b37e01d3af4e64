/**
 * A throw-away network lab for integration tests: network namespaces named
 * `onekube-t-<random>-<role>`, veth pairs created inside them (never in the host's namespace),
 * addresses from ranges that exist only there, and processes started in them. `cleanup()` kills
 * the processes and deletes the namespaces, which takes their links, nftables tables and sysctls.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { type Exec, hostExec } from "../../src/host/exec.js";

/** Absolute path of a tool, or a failed assertion naming the Debian package that ships it. */
export function tool(name: string, debianPackage: string): string {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin"];
  for (const d of dirs.filter((x) => x.length > 0)) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not in this directory
    }
  }
  return assert.fail(
    `${name} is not installed (apt-get install ${debianPackage}); this test needs the real tool`,
  );
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    assert.fail("this suite creates network namespaces: run it as root (CI and scripts/setup do)");
  }
}

export interface Started {
  readonly child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
}

export class NetnsLab {
  readonly id = randomBytes(3).toString("hex");
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];

  /** A new namespace with loopback up. */
  async namespace(role: string): Promise<string> {
    const ns = `onekube-t-${this.id}-${role}`;
    await hostExec.run(tool("ip", "iproute2"), ["netns", "add", ns], { operation: `create ${ns}` });
    this.namespaces.push(ns);
    await hostExec.run("ip", ["-n", ns, "link", "set", "lo", "up"]);
    return ns;
  }

  /** A veth pair from `a`'s `ifA` to `b`'s `ifB`, each end with its addresses (CIDR form), up. */
  async link(
    a: string,
    ifA: string,
    addrsA: string[],
    b: string,
    ifB: string,
    addrsB: string[],
  ): Promise<void> {
    const operation = `link ${a}:${ifA} to ${b}:${ifB}`;
    await hostExec.run("ip", ["-n", a, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b], {
      operation,
    });
    for (const [ns, nic, addrs] of [[a, ifA, addrsA] as const, [b, ifB, addrsB] as const]) {
      for (const addr of addrs)
        await hostExec.run("ip", ["-n", ns, "addr", "add", addr, "dev", nic], { operation });
      await hostExec.run("ip", ["-n", ns, "link", "set", nic, "up"], { operation });
    }
  }

  async route(ns: string, to: string, via: string): Promise<void> {
    await hostExec.run("ip", ["-n", ns, "route", "add", to, "via", via], { operation: `route in ${ns}` });
  }

  /** The Exec port, acting inside `ns`: what the agent's functions get in a VM. */
  exec(ns: string): Exec {
    return {
      run: (file, args, options) => hostExec.run("ip", ["netns", "exec", ns, file, ...args], options),
    };
  }

  /** A long-running process inside `ns`, killed by cleanup(). */
  start(ns: string, file: string, args: readonly string[]): Started {
    const child = spawn("ip", ["netns", "exec", ns, file, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.children.push(child);
    let text = "";
    child.stdout?.on("data", (d: Buffer) => {
      text += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      text += d.toString();
    });
    return { child, output: () => text };
  }

  /** Kills what was started, then deletes every namespace; safe after a failure half-way. */
  async cleanup(): Promise<void> {
    for (const child of this.children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    for (const ns of this.namespaces.splice(0).reverse()) {
      await hostExec.run("ip", ["netns", "del", ns], { allowFailure: true });
    }
  }
}
