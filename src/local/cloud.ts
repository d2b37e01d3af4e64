import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { FlowEngine } from "../flow/engine.js";
import { serveOneFlow } from "../flow/serve.js";
import { createOneFlowApp, singleUser } from "../flow/server.js";
import { PLATFORM_ENV } from "../node/platform.js";
import { serveOneGate } from "../onegate/serve.js";
import { createOneGateApp } from "../onegate/server.js";
import { makeToken, newTokenPassword } from "../onegate/token.js";
import { ROLES } from "../params/types.js";
import { serviceTemplate, vmTemplate } from "../service/template.js";
import { registryUnavailable, startCloudRegistry } from "./cloud-registry.js";
import { type CloudInfo, writeCloudInfo, writeSnapshot } from "./cloud-state.js";
import { EngineGateBackend } from "./gate-backend.js";
import { raiseHostLimits } from "./host-limits.js";
import { serviceDir } from "./names.js";
import { NetnsDriver } from "./netns-driver.js";
import { processStart } from "./processes.js";
import { cacheDir, localVmImage } from "./vm-image.js";

/** OpenNebula's OneGate port; each local service listens on its own bridge address. */
export const ONEGATE_PORT = 5030;

export interface CloudOptions {
  readonly root: string;
  readonly name: string;
  /** The service network; default: a free private /24. */
  readonly cidr?: string | undefined;
  /** Size of each storage VM's sparse disk, MiB. */
  readonly diskMb: number;
  /** Seconds a role rests after a scale. */
  readonly cooldown: number;
  readonly deployTimeoutMs: number;
  /** The agent each VM runs; default `node bin/onekube.js agent`. */
  readonly agent?: readonly string[] | undefined;
  /**
   * Serve the build cache's images from a registry on the gateway (default: when the VMs run
   * Kubernetes and the registry and images are built; otherwise VMs import the archives).
   */
  readonly registry?: boolean;
  /** SSH_PUBLIC_KEY of the cloud's one user (oneadmin), which the VM templates' CONTEXT take as `$USER[SSH_PUBLIC_KEY]`. */
  readonly sshPublicKey?: string | undefined;
  readonly log: (line: string) => void;
}

export interface RunningCloud {
  readonly info: CloudInfo;
  readonly engine: FlowEngine;
  /** Stops serving and removes every VM, link and file of the cloud. */
  stop(): Promise<void>;
}

/**
 * The embedded cloud of one service: the namespace driver, the OneFlow engine, OneGate on the
 * service bridge (where VMs reach it) and OneFlow's REST API on loopback (where `onekube`
 * reaches it). Every change of the engine is written to disk so that `status` works from any
 * shell and `down` knows what to remove.
 */
export async function startCloud(options: CloudOptions): Promise<RunningCloud> {
  mkdirSync(serviceDir(options.root, options.name), { recursive: true });
  for (const line of raiseHostLimits()) options.log(`[cloud] raised a host limit for the VMs: ${line}`);
  const cache = cacheDir();
  const registry = options.registry ?? wantsRegistry(cache, options.log);
  const driver = await NetnsDriver.open({
    root: options.root,
    service: options.name,
    ...(options.cidr ? { cidr: options.cidr } : {}),
    ...(options.agent ? { agent: options.agent } : {}),
    image: localVmImage(process.env, { registry }),
  });
  // A start that fails half-way removes what it made: the servers, the VMs, the network.
  const opened: { close(): Promise<void> }[] = [];
  try {
    const gateway = driver.network.gateway;
    const served = registry
      ? await startCloudRegistry({
          cache,
          dir: join(serviceDir(options.root, options.name), "registry"),
          gateway,
          log: options.log,
        })
      : undefined;
    if (served) opened.push({ close: () => served.registry.stop() });
    const onegateUrl = `http://${gateway}:${ONEGATE_PORT}`;
    const tokenPassword = newTokenPassword();
    // The VM templates of the four roles, as template ids 0..3 of the service template.
    const templates = ROLES.map((role) => vmTemplate(role, { extraDiskMb: options.diskMb }));
    const engine = new FlowEngine({
      driver,
      onegateEndpoint: onegateUrl,
      token: (vm) => makeToken(tokenPassword, vm.id, vm.stime),
      vmTemplate: (id) => templates[id],
      userTemplate: () => (options.sshPublicKey ? { SSH_PUBLIC_KEY: options.sshPublicKey } : {}),
      defaultCooldown: options.cooldown,
      deployTimeoutMs: options.deployTimeoutMs,
      log: options.log,
    });
    const gate = await serveOneGate(
      createOneGateApp(new EngineGateBackend(engine, new Map([[0, tokenPassword]])), { log: options.log }),
      {
        host: gateway,
        port: ONEGATE_PORT,
      },
    );
    opened.push(gate);
    const password = randomBytes(18).toString("base64url");
    const flow = await serveOneFlow(
      createOneFlowApp(engine, { authenticate: singleUser("oneadmin", password), log: options.log }),
    );
    opened.push(flow);
    const template = engine.createTemplate(
      serviceTemplate({ name: options.name, cooldown: options.cooldown }),
    );
    const info: CloudInfo = {
      name: options.name,
      pid: process.pid,
      pidStart: processStart(process.pid),
      startedAt: Date.now(),
      network: { cidr: `${driver.network.cidr.address}/${driver.network.cidr.prefix}`, gateway },
      onegateUrl: gate.url,
      oneflow: { url: flow.url, user: "oneadmin", password },
      templateId: Number(template.DOCUMENT.ID),
      ...(served ? { registry: served.mirror } : {}),
    };
    const persist = () => writeSnapshot(options.root, options.name, engine.snapshot());
    engine.onChange(persist);
    persist();
    writeCloudInfo(options.root, info);
    options.log(
      `[cloud] ${options.name}: network ${info.network.cidr}, OneGate ${gate.url}, OneFlow ${flow.url}`,
    );
    return {
      info,
      engine,
      async stop() {
        engine.close();
        await Promise.allSettled(opened.map((o) => o.close()));
        await driver.close();
      },
    };
  } catch (error) {
    await Promise.allSettled(opened.map((o) => o.close()));
    await driver.close().catch(() => {});
    throw error;
  }
}

/** A registry for VMs that run Kubernetes, where the cache holds it and the images. */
function wantsRegistry(cache: string, log: (line: string) => void): boolean {
  if (process.env[PLATFORM_ENV.runtime] === "none") return false;
  const why = registryUnavailable(cache);
  if (why) log(`[cloud] no local registry: ${why}; the VMs import the image archives instead`);
  return why === undefined;
}
