import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { assertServiceTemplate, type ServiceTemplate } from "../helpers/service-template.js";
import { MANIFEST } from "../unit/appliance/export-fixtures.js";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "onekube-export-cli-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** `onekube appliance export ARGS`, in-process: exit code and what it printed. */
async function exportCli(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "onekube", "appliance", "export", ...args], {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    env: {},
  });
  return { code, stdout, stderr };
}

function manifestFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("onekube appliance export", () => {
  test("writes the import set into a new directory and says what is missing for marketplace/", async () => {
    const out = join(dir, "plain", "import");
    const r = await exportCli("--out", out);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), [
      "README.md",
      "image.tmpl",
      "import.sh",
      "instantiate.json",
      "service.json",
      "vm-master.tmpl",
      "vm-storage.tmpl",
      "vm-vnf.tmpl",
      "vm-worker.tmpl",
    ]);
    assert.equal(statSync(join(out, "import.sh")).mode & 0o777, 0o755);
    assert.match(
      r.stderr,
      /note: marketplace\/ needs --image-url .* and --image-manifest .*; it was not written/,
    );
    assert.match(r.stdout, /sh import\.sh \[DATASTORE\]/);
    assert.match(
      readFileSync(join(out, "image.tmpl"), "utf8"),
      /PATH = "\/var\/tmp\/onekube\/onekube-\d[^"]*-amd64\.qcow2"/,
    );
    // No temporary directory is left beside it.
    assert.deepEqual(readdirSync(join(dir, "plain")), ["import"]);
  });

  test("with a URL, a manifest and template ids: marketplace/, the manifest's version, the ids in service.json", async () => {
    const out = join(dir, "full");
    const manifest = manifestFile("full.json", { ...MANIFEST, version: "0.2.0", components: [] });
    const r = await exportCli(
      "--out",
      out,
      "--image-url",
      "https://images.example.org/x.qcow2",
      "--image-manifest",
      manifest,
      "--template-ids",
      "vnf=5,master=6,worker=7,storage=8",
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const summary = JSON.parse(r.stdout) as { files: string[]; version: string; marketplace: string };
    assert.equal(summary.version, "0.2.0");
    assert.equal(summary.marketplace, "written");
    assert.ok(summary.files.includes("marketplace/onekube-0.2.0-service.yaml"));
    const service = JSON.parse(readFileSync(join(out, "service.json"), "utf8")) as ServiceTemplate;
    assertServiceTemplate(service);
    assert.deepEqual(
      service.roles.map((r) => r.template_id),
      [5, 6, 7, 8],
    );
    assert.match(readFileSync(join(out, "vm-master.tmpl"), "utf8"), /NAME = "onekube-0\.2\.0-master"/);
  });

  test("refuses a directory that holds files unless --force, and then replaces it whole", async () => {
    const out = join(dir, "busy");
    mkdirSync(out);
    writeFileSync(join(out, "keep.txt"), "mine");
    const refused = await exportCli("--out", out);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--out: .*busy exists and is not empty \(pass --force to replace it\)/);
    assert.deepEqual(readdirSync(out), ["keep.txt"]);
    const forced = await exportCli("--out", out, "--force");
    assert.equal(forced.code, 0, forced.stderr);
    assert.ok(!readdirSync(out).includes("keep.txt"));
    assert.ok(readdirSync(out).includes("import.sh"));
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith(".busy")),
      [],
    );
  });

  test("an empty existing directory is used", async () => {
    const out = join(dir, "empty");
    mkdirSync(out);
    assert.equal((await exportCli("--out", out)).code, 0);
    assert.ok(readdirSync(out).includes("service.json"));
  });

  test("bad input is refused with exit 2, naming the option and the problem, and nothing is written", async () => {
    const cases: [string[], RegExp][] = [
      [["--image-manifest", join(dir, "absent.json")], /--image-manifest: cannot read .*absent\.json/],
      [
        ["--image-manifest", manifestFile("bad.json", { ...MANIFEST, sha256: "nope" })],
        /bad\.json is not an image manifest:\n {2}sha256: 64 lower-case hex digits/,
      ],
      [["--template-ids", "vnf=1,router=2"], /unknown role "router"/],
      [["--template-ids", "vnf=x"], /--template-ids: expected ROLE=ID/],
      [["--image-url", "images/x.qcow2"], /--image-url: "images\/x\.qcow2" is not a URL/],
      [["--image-path", "x.qcow2"], /--image-path: "x\.qcow2" must be absolute/],
      [
        ["--image-path", "/a.qcow2", "--image-url", "https://h/a.qcow2"],
        /--image-url and --image-path: give one/,
      ],
      [["--image-path", "/images/odd\\"], /--image-path=.*ends with a backslash/],
    ];
    for (const [args, message] of cases) {
      const out = join(dir, "refused");
      const r = await exportCli("--out", out, ...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.throws(() => statSync(out), /ENOENT/, args.join(" "));
    }
    const missing = await exportCli();
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required option '--out <dir>'/);
  });
});
