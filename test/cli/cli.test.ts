import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { parseAllDocuments } from "yaml";
import { buildProgram } from "../../src/cli/main.js";
import { formatContext } from "../../src/params/context.js";
import { ONEKUBE, onekube } from "../helpers/cli.js";
import { REFERENCE_ARP_CONFIGMAP } from "../helpers/fixtures.js";
import { SHARED_DIR } from "../helpers/golden.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "onekube-cli-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function contextFile(name: string, vars: Record<string, string>): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, formatContext(vars));
  return file;
}

describe("onekube CLI", () => {
  test("every command has --help", async () => {
    const program = buildProgram({ out: () => {}, err: () => {}, env: {} });
    const paths = [
      [],
      ...program.commands.flatMap((c) => [[c.name()], ...c.commands.map((sub) => [c.name(), sub.name()])]),
    ];
    assert.ok(paths.length >= 15);
    for (const args of paths) {
      const r = await onekube([...args, "--help"]);
      assert.equal(r.code, 0, `${args.join(" ")} --help: ${r.stderr}`);
      assert.match(r.stdout, /Usage: onekube/);
    }
  });

  test("the local cloud refuses a user who is not root, saying why", async () => {
    const r = await execa("runuser", ["-u", "nobody", "--", "node", ONEKUBE, "up", "--name", "x"], {
      reject: false,
      env: { PATH: process.env.PATH ?? "" },
      extendEnv: false,
    });
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /needs root \(running as uid \d+\)/);
  });

  test("params --json lists the 18 parameters of the reference with their defaults", async () => {
    const r = await onekube(["params", "--json"]);
    assert.equal(r.code, 0);
    const all = JSON.parse(r.stdout) as {
      name: string;
      default: string | null;
      mandatory: boolean;
      extension: boolean;
    }[];
    const rows = all.filter((p) => !p.extension);
    assert.equal(rows.length, 18);
    const defaults = Object.fromEntries(rows.map((p) => [p.name, p.default]));
    assert.equal(defaults.ONEAPP_K8S_PORT, "6443");
    assert.equal(defaults.ONEAPP_K8S_PODS_NETWORK, "10.244.0.0/16");
    assert.equal(defaults.ONEAPP_VNF_LB_REFRESH_RATE, "30");
    assert.equal(defaults.ONEAPP_STORAGE_MOUNTPOINT, "/var/lib/longhorn");
    assert.equal(rows.find((p) => p.name === "ONEAPP_VNF_LB0_IP")?.mandatory, true);
  });

  test("validate reports three errors for the acceptance context and exits non-zero", async () => {
    // GIVEN a context with three bad values
    const file = await contextFile("bad.sh", {
      ONEAPP_STORAGE_LABEL: "WAYTOOLONGLABEL",
      ONEAPP_K8S_PODS_NETWORK: "10.244.0.0/33",
      ONEAPP_VNF_LB0_IP: "300.1.1.1",
    });
    // WHEN validated THEN exit 3 and one line per error naming parameter and value
    const r = await onekube(["validate", "--context", file]);
    assert.equal(r.code, 3);
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
    assert.equal(errors.length, 3, r.stderr);
    assert.match(errors.join("\n"), /ONEAPP_STORAGE_LABEL="WAYTOOLONGLABEL"/);
    assert.match(errors.join("\n"), /ONEAPP_K8S_PODS_NETWORK="10.244.0.0\/33"/);
    assert.match(errors.join("\n"), /ONEAPP_VNF_LB0_IP="300.1.1.1"/);
  });

  test("validate prints effective values; --set overrides the context, the context the environment", async () => {
    const file = await contextFile("ok.sh", { ONEAPP_VNF_LB0_IP: "10.0.0.100", ONEAPP_K8S_PORT: "7443" });
    const r = await onekube(
      ["validate", "--context", file, "--set", "ONEAPP_VNF_LB_REFRESH_RATE=5", "--json"],
      { ONEAPP_K8S_PORT: "1111", ONEAPP_VNF_DNS_ENABLED: "YES" },
    );
    assert.equal(r.code, 0, r.stderr);
    const { effective } = JSON.parse(r.stdout) as { effective: Record<string, string> };
    assert.equal(effective.ONEAPP_K8S_PORT, "7443");
    assert.equal(effective.ONEAPP_VNF_LB_REFRESH_RATE, "5");
    assert.equal(effective.ONEAPP_VNF_DNS_ENABLED, "YES");
  });

  test("bad input to the CLI itself is named: unknown --set, unknown role, missing file", async () => {
    const unknownSet = await onekube(["validate", "--set", "ONEAPP_NOPE=1"]);
    assert.equal(unknownSet.code, 3);
    assert.match(unknownSet.stderr, /ONEAPP_NOPE="1": not a parameter/);
    const role = await onekube(["validate", "--role", "boss", "--set", "ONEAPP_VNF_LB0_IP=10.0.0.1"]);
    assert.equal(role.code, 2);
    assert.match(role.stderr, /unknown role "boss"/);
    const missing = await onekube(["validate", "--context", join(dir, "nope.sh")]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /--context=.*nope\.sh.*cannot read/);
  });

  test("render master writes a kubeadm configuration whose controlPlaneEndpoint is the endpoint", async () => {
    const out = join(dir, "master");
    const r = await onekube([
      "render",
      "master",
      "--set",
      "ONEAPP_VNF_LB0_IP=10.0.0.100",
      "--masters",
      "10.0.0.11,10.0.0.12,10.0.0.13",
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /kubeadm\/init\.yaml/);
    const docs = parseAllDocuments(await readFile(join(out, "kubeadm/init.yaml"), "utf8")).map(
      (d) => d.toJS() as { kind: string; controlPlaneEndpoint?: string },
    );
    assert.equal(
      docs.find((d) => d.kind === "ClusterConfiguration")?.controlPlaneEndpoint,
      "10.0.0.100:6443",
    );
  });

  test("render master with the reference's ARP config writes MetalLB resources holding the three ranges", async () => {
    const out = join(dir, "metallb");
    const b64 = Buffer.from(REFERENCE_ARP_CONFIGMAP).toString("base64");
    const file = await contextFile("arp.sh", {
      ONEAPP_VNF_LB0_IP: "10.0.0.100",
      ONEAPP_K8S_LOADBALANCER_CONFIG: b64,
    });
    const r = await onekube(["render", "master", "--context", file, "--masters", "10.0.0.11", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    const objects = parseAllDocuments(await readFile(join(out, "addons/metallb.yaml"), "utf8")).map(
      (d) => d.toJS() as { kind: string; spec: { addresses?: string[] } },
    );
    const pools = objects.filter((o) => o.kind === "IPAddressPool");
    assert.deepEqual(
      pools.flatMap((p) => p.spec.addresses),
      ["172.16.100.200-172.16.100.250", "172.16.101.200-172.16.101.250", "172.16.102.200-172.16.102.250"],
    );
    assert.ok(objects.some((o) => o.kind === "L2Advertisement"));
  });

  test("template --json has the four roles in deploy order with their parents", async () => {
    const r = await onekube(["template", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const { service_template: t, vm_templates: vms } = JSON.parse(r.stdout) as {
      service_template: { roles: { name: string; parents?: string[] }[] };
      vm_templates: Record<string, unknown>;
    };
    assert.deepEqual(
      t.roles.map((x) => [x.name, x.parents ?? []]),
      [
        ["vnf", []],
        ["master", ["vnf"]],
        ["worker", ["master"]],
        ["storage", ["master"]],
      ],
    );
    assert.deepEqual(Object.keys(vms), ["vnf", "master", "worker", "storage"]);
  });
});

describe("onekube render with the pinned upstream manifests", () => {
  test("master writes Canal on the pod network, Longhorn holding our default class, and MetalLB", async () => {
    const out = join(dir, "addons");
    const r = await onekube([
      "render",
      "master",
      "--set",
      "ONEAPP_VNF_LB0_IP=10.0.0.100",
      "--set",
      "ONEAPP_K8S_PODS_NETWORK=10.50.0.0/16",
      "--masters",
      "10.0.0.11",
      "--manifests",
      join(SHARED_DIR, "upstream"),
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const canal = await readFile(join(out, "addons/canal.yaml"), "utf8");
    assert.match(canal, /"Network": "10\.50\.0\.0\/16"/);
    assert.match(canal, /name: CALICO_IPV4POOL_CIDR\n\s+value: 10\.50\.0\.0\/16/);
    const longhorn = parseAllDocuments(await readFile(join(out, "addons/longhorn.yaml"), "utf8")).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string> },
    );
    assert.deepEqual(
      longhorn.filter((o) => o.kind === "StorageClass").map((c) => c.metadata.name),
      ["longhorn", "longhorn-retain"],
    );
    const classMap = longhorn.find((o) => o.metadata.name === "longhorn-storageclass");
    assert.match(classMap?.data?.["storageclass.yaml"] ?? "", /staleReplicaTimeout: "2880"/);
    const metallb = await readFile(join(out, "addons/metallb.yaml"), "utf8");
    assert.match(metallb, /name: ipaddresspools\.metallb\.io/);
  });

  test("vnf writes a keepalived.conf forwarding the endpoint to every master", async () => {
    const out = join(dir, "vnf");
    const r = await onekube([
      "render",
      "vnf",
      "--set",
      "ONEAPP_VNF_LB0_IP=10.0.0.100",
      "--masters",
      "10.0.0.11,10.0.0.12,10.0.0.13",
      "--vnfs",
      "10.0.0.2,10.0.0.3",
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const conf = await readFile(join(out, "keepalived/keepalived.conf"), "utf8");
    assert.match(conf, /virtual_server 10\.0\.0\.100 6443/);
    for (const m of ["10.0.0.11", "10.0.0.12", "10.0.0.13"])
      assert.match(conf, new RegExp(`real_server ${m.replaceAll(".", "\\.")} 6443`));
  });
});
