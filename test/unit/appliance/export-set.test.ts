import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { type ExportSettings, exportSet } from "../../../src/appliance/export/export-set.js";
import { imageManifestSchema, parseImageManifest } from "../../../src/appliance/export/manifest.js";
import { appId } from "../../../src/appliance/export/marketplace.js";
import { UsageError } from "../../../src/errors.js";
import { instantiateBody } from "../../../src/flow/instantiate.js";
import { validateTemplate } from "../../../src/flow/schema.js";
import { buildVm } from "../../../src/flow/vm-template.js";
import { ROLES } from "../../../src/params/types.js";
import { vmTemplate } from "../../../src/service/template.js";
import { assertServiceTemplate, type ServiceTemplate } from "../../helpers/service-template.js";
import { MANIFEST, NOW } from "./export-fixtures.js";
import { parseOneTemplate, templateObject } from "./export-parser.js";

const PATH_SETTINGS: ExportSettings = {
  version: "0.1.0",
  location: { path: "/var/tmp/onekube/onekube-0.1.0-amd64.qcow2" },
  imageFile: "onekube-0.1.0-amd64.qcow2",
  now: NOW,
};
const FULL_SETTINGS: ExportSettings = {
  ...PATH_SETTINGS,
  location: { url: "https://images.example.org/onekube-0.1.0-amd64.qcow2" },
  manifest: MANIFEST,
};

function file(settings: ExportSettings, path: string): string {
  const found = exportSet(settings).files.find((f) => f.path === path);
  assert.ok(found, `${path} is in the set`);
  return found.content;
}

describe("appliance export: the import set", () => {
  test("writes the files an operator needs, marketplace/ only with a URL and a manifest", () => {
    const bare = exportSet(PATH_SETTINGS);
    assert.deepEqual(
      bare.files.map((f) => f.path),
      [
        "image.tmpl",
        "vm-vnf.tmpl",
        "vm-master.tmpl",
        "vm-worker.tmpl",
        "vm-storage.tmpl",
        "service.json",
        "instantiate.json",
        "import.sh",
        "README.md",
      ],
    );
    assert.match(bare.marketplaceSkipped ?? "", /--image-url .* and --image-manifest/);
    assert.equal(bare.files.find((f) => f.path === "import.sh")?.mode, 0o755);
    const full = exportSet(FULL_SETTINGS);
    assert.equal(full.marketplaceSkipped, undefined);
    assert.deepEqual(
      full.files.filter((f) => f.path.startsWith("marketplace/")).map((f) => f.path),
      [
        "marketplace/onekube-0.1.0-os-disk.yaml",
        "marketplace/onekube-0.1.0-vnf.yaml",
        "marketplace/onekube-0.1.0-master.yaml",
        "marketplace/onekube-0.1.0-worker.yaml",
        "marketplace/onekube-0.1.0-storage.yaml",
        "marketplace/onekube-0.1.0-service.yaml",
      ],
    );
  });

  test("image.tmpl: an OS image in vd, qcow2, not persistent, from the path or URL, with the MD5 to check", () => {
    const bare = templateObject(parseOneTemplate(file(PATH_SETTINGS, "image.tmpl")));
    assert.deepEqual(
      { ...bare, DESCRIPTION: undefined },
      {
        NAME: "onekube-0.1.0",
        PATH: "/var/tmp/onekube/onekube-0.1.0-amd64.qcow2",
        TYPE: "OS",
        DEV_PREFIX: "vd",
        FORMAT: "qcow2",
        PERSISTENT: "NO",
        DESCRIPTION: undefined,
      },
    );
    assert.equal("DRIVER" in bare, false, "oned sets DRIVER itself");
    const full = templateObject(parseOneTemplate(file(FULL_SETTINGS, "image.tmpl")));
    assert.equal(full.PATH, "https://images.example.org/onekube-0.1.0-amd64.qcow2");
    assert.equal(full.MD5, MANIFEST.md5);
    assert.match(String(full.DESCRIPTION), /Debian 13 "trixie"/);
  });

  test("vm-<role>.tmpl: OpenNebula's template syntax reading back as vmTemplate(), the OS disk by image name", () => {
    for (const role of ROLES) {
      const parsed = templateObject(parseOneTemplate(file(PATH_SETTINGS, `vm-${role}.tmpl`)), ["DISK"]);
      assert.deepEqual(
        parsed,
        vmTemplate(role, { namePrefix: "onekube-0.1.0", imageName: "onekube-0.1.0" }),
        role,
      );
    }
  });

  test("the VM templates carry what the appliance needs, and the OS disk of a node grows to 20 GiB", () => {
    const read = (role: string) =>
      templateObject(parseOneTemplate(file(PATH_SETTINGS, `vm-${role}.tmpl`)), ["DISK"]) as {
        DISK: Record<string, string>[];
        CONTEXT: Record<string, string>;
      };
    for (const role of ROLES) {
      const { CONTEXT } = read(role);
      assert.equal(CONTEXT.NETWORK, "YES");
      assert.equal(CONTEXT.TOKEN, "YES");
      assert.equal(CONTEXT.REPORT_READY, "NO", "the agent reports READY, when the role is ready");
      assert.equal(CONTEXT.SSH_PUBLIC_KEY, "$USER[SSH_PUBLIC_KEY]");
    }
    assert.equal(read("storage").CONTEXT.GROW_FS, "/ /var/lib/longhorn");
    assert.deepEqual(read("vnf").DISK, [{ IMAGE: "onekube-0.1.0" }], "the vnf keeps the image's size");
    for (const role of ["master", "worker", "storage"]) assert.equal(read(role).DISK[0]?.SIZE, "20480", role);
    // The dedicated disk must be /dev/vdb, not oned.conf's default prefix (sd).
    assert.deepEqual(read("storage").DISK[1], { TYPE: "fs", FORMAT: "raw", SIZE: "61440", DEV_PREFIX: "vd" });
    // An image larger than 20 GiB is never shrunk: the disk takes the image's size (MiB, rounded up).
    const big = exportSet({ ...FULL_SETTINGS, manifest: { ...MANIFEST, virtualSize: 25 * 2 ** 30 + 1 } });
    const master = templateObject(
      parseOneTemplate(big.files.find((f) => f.path === "vm-master.tmpl")?.content ?? ""),
      ["DISK"],
    ) as { DISK: Record<string, string>[] };
    assert.equal(master.DISK[0]?.SIZE, String(25 * 1024 + 1));
  });

  test("the service's user inputs reach each VM's context through OneFlow, with nothing in the VM template", () => {
    // GIVEN the exported service template instantiated as OneFlow 7 does, with instantiate.json's values
    const service = JSON.parse(file(PATH_SETTINGS, "service.json")) as ServiceTemplate;
    const values = JSON.parse(file(PATH_SETTINGS, "instantiate.json")) as {
      user_inputs_values: Record<string, string>;
    };
    values.user_inputs_values.ONEAPP_VNF_LB0_IP = "10.0.0.100";
    const body = instantiateBody(validateTemplate(service), values, 300, NOW);
    // WHEN a storage VM is made from its VM template THEN its context holds the inputs and the key
    const storage = body.roles.find((r) => r.name === "storage");
    const built = buildVm(vmTemplate("storage"), storage?.template_contents, {
      vmId: 7,
      serviceId: 1,
      role: "storage",
      owner: { uid: 0, gid: 0, uname: "oneadmin", gname: "oneadmin" },
      user: { SSH_PUBLIC_KEY: "ssh-ed25519 AAAA op" },
      onegateEndpoint: "http://192.0.2.1:5030",
    });
    assert.equal(built.context.ONEAPP_VNF_LB0_IP, "10.0.0.100");
    assert.equal(built.context.ONEAPP_STORAGE_DEVICE, "/dev/vdb");
    assert.equal(built.context.ONEAPP_K8S_PORT, "6443");
    assert.equal(built.context.SSH_PUBLIC_KEY, "ssh-ed25519 AAAA op");
    assert.equal(built.context.ONEGATE_ENDPOINT, "http://192.0.2.1:5030");
  });

  test("service.json passes the checks `onekube template`'s does, named for the version, with the given ids", () => {
    const service = JSON.parse(file(PATH_SETTINGS, "service.json")) as ServiceTemplate;
    assertServiceTemplate(service);
    assert.equal(service.name, "onekube-0.1.0");
    assert.deepEqual(
      service.roles.map((r) => r.template_id),
      [0, 1, 2, 3],
    );
    const given = JSON.parse(
      file({ ...PATH_SETTINGS, templateIds: { vnf: 40, storage: 43 } }, "service.json"),
    ) as ServiceTemplate;
    assertServiceTemplate(given);
    assert.deepEqual(
      given.roles.map((r) => r.template_id),
      [40, 1, 2, 43],
    );
  });

  test("instantiate.json gives every declared input a value, the roles' under roles, as OneFlow requires", () => {
    const service = validateTemplate(JSON.parse(file(PATH_SETTINGS, "service.json")));
    const values = JSON.parse(file(PATH_SETTINGS, "instantiate.json")) as {
      user_inputs_values: Record<string, string>;
      roles: { name: string; user_inputs_values: Record<string, string> }[];
      networks_values: unknown;
    };
    assert.deepEqual(
      Object.keys(values.user_inputs_values).sort(),
      Object.keys(service.user_inputs ?? {}).sort(),
    );
    for (const role of service.roles.filter((r) => r.user_inputs !== undefined))
      assert.deepEqual(
        Object.keys(values.roles.find((r) => r.name === role.name)?.user_inputs_values ?? {}).sort(),
        Object.keys(role.user_inputs ?? {}).sort(),
        role.name,
      );
    assert.equal(values.user_inputs_values.ONEAPP_VNF_LB0_IP, "", "the one value only the operator knows");
    assert.deepEqual(values.networks_values, [{ service: { id: "0" } }]);
  });

  test("marketplace apps: IMAGE with size and checksums, a VMTEMPLATE per role without its image disk, SERVICE_TEMPLATE", () => {
    const read = (name: string) =>
      parseYaml(file(FULL_SETTINGS, `marketplace/${name}`)) as Record<string, unknown>;
    const image = read("onekube-0.1.0-os-disk.yaml");
    assert.equal(image.name, "onekube 0.1.0 OS disk");
    assert.equal(image.type, "IMAGE");
    assert.equal(image.id, appId("onekube 0.1.0 OS disk"));
    assert.equal(image.creation_time, Date.parse(MANIFEST.created ?? "") / 1000);
    assert.deepEqual(image.images, [
      {
        name: "onekube-0.1.0",
        url: "https://images.example.org/onekube-0.1.0-amd64.qcow2",
        type: "OS",
        dev_prefix: "vd",
        driver: "qcow2",
        size: MANIFEST.virtualSize,
        checksum: { md5: MANIFEST.md5, sha256: MANIFEST.sha256 },
      },
    ]);
    for (const key of [
      "version",
      "publisher",
      "description",
      "short_description",
      "tags",
      "format",
      "hypervisor",
    ])
      assert.ok(image[key] !== undefined, key);
    assert.deepEqual(
      [image["os-id"], image["os-release"], image["os-arch"]],
      ["Debian", "13 (trixie)", "x86_64"],
    );
    for (const role of ROLES) {
      const app = read(`onekube-0.1.0-${role}.yaml`);
      assert.equal(app.type, "VMTEMPLATE");
      assert.deepEqual(app.disks, ["onekube 0.1.0 OS disk"]);
      const t = app.opennebula_template as Record<string, unknown>;
      assert.equal(t.name, undefined);
      assert.deepEqual(t.context, vmTemplate(role).CONTEXT);
      assert.equal(t.memory, vmTemplate(role).MEMORY);
      // Ruby reads YAML 1.1: YES must stay a string.
      assert.match(file(FULL_SETTINGS, `marketplace/onekube-0.1.0-${role}.yaml`), /TOKEN: "YES"/);
      assert.deepEqual(t.disk, role === "storage" ? [vmTemplate(role).DISK[1]] : undefined, role);
    }
    const service = read("onekube-0.1.0-service.yaml");
    assert.equal(service.type, "SERVICE_TEMPLATE");
    assert.deepEqual(service.roles, {
      vnf: "onekube 0.1.0 vnf",
      master: "onekube 0.1.0 master",
      worker: "onekube 0.1.0 worker",
      storage: "onekube 0.1.0 storage",
    });
    assertServiceTemplate(service.opennebula_template as ServiceTemplate);
  });

  test("README.md says every step with this export's names", () => {
    const readme = file(PATH_SETTINGS, "README.md");
    for (const step of [
      "sh import.sh [DATASTORE]",
      "oneimage create -d default image.tmpl",
      "onetemplate create vm-storage.tmpl",
      "oneflow-template create service.json",
      "oneflow-template instantiate SERVICE_TEMPLATE_ID instantiate.json",
      "scp root@MASTER_IP:/etc/kubernetes/admin.conf",
      "/var/tmp/onekube/onekube-0.1.0-amd64.qcow2",
    ])
      assert.ok(readme.includes(step), step);
    assert.match(readme, /Not written: the marketplace apps need/);
    assert.match(
      file(FULL_SETTINGS, "README.md"),
      /onemarketapp export 'Service onekube 0\.1\.0' onekube-0\.1\.0/,
    );
  });
});

describe("appliance export: the image manifest", () => {
  test("reads what the build writes, extra keys allowed", () => {
    const text = JSON.stringify({
      ...MANIFEST,
      components: [{ name: "kubelet" }],
      debian: { ...MANIFEST.debian, mirror: "x" },
    });
    assert.equal(parseImageManifest(text, "m.json").virtualSize, MANIFEST.virtualSize);
    assert.ok(
      imageManifestSchema.safeParse({ ...MANIFEST, created: undefined }).success,
      "created is optional",
    );
  });

  test("names every problem with its field and the file", () => {
    const bad = JSON.stringify({ ...MANIFEST, file: "dir/x.qcow2", md5: "xyz", virtualSize: -1 });
    assert.throws(
      () => parseImageManifest(bad, "m.json"),
      (e: unknown) =>
        e instanceof UsageError &&
        /m\.json is not an image manifest/.test(e.message) &&
        /file: a file name ending in \.qcow2/.test(e.message) &&
        /md5: 32 lower-case hex digits/.test(e.message) &&
        /virtualSize:/.test(e.message),
    );
    assert.throws(() => parseImageManifest("{", "m.json"), /m\.json is not JSON/);
  });
});
