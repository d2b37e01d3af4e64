import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { exportSet } from "../../../src/appliance/export/export-set.js";
import { exportServiceTemplate } from "../../../src/appliance/export/service.js";
import { writeDirAtomically } from "../../../src/appliance/export/write-dir.js";
import { ROLES } from "../../../src/params/types.js";
import { vmTemplate } from "../../../src/service/template.js";
import { assertServiceTemplate, type ServiceTemplate } from "../../helpers/service-template.js";
import { NOW } from "./export-fixtures.js";
import { parseOneTemplate, templateObject } from "./export-parser.js";

/**
 * A stand-in for OpenNebula's oneimage, onetemplate and oneflow-template (one script, three
 * names): it records its argv, keeps what is created in $FAKE_STATE, and answers as the real
 * commands do: `ID: N` on create, XML for `show -x`, the text view for `oneflow-template show`,
 * and "<KIND> named <name> not found." on stderr with exit 255 for an unknown name
 * (OneHelper.name_to_id). An image's STATE follows $FAKE_STATE/image-states, one per show.
 */
const FAKE = `#!/bin/sh
set -eu
kind=$(basename "$0")
state=$FAKE_STATE
printf '%s %s\\n' "$kind" "$*" >>"$state/log"
if [ -f "$state/broken" ]; then cat "$state/broken" >&2; exit 255; fi
case $kind in
oneimage) noun=IMAGE first=7 ;;
onetemplate) noun=VMTEMPLATE first=10 ;;
*) noun="SERVICE TEMPLATE" first=20 ;;
esac
touch "$state/$kind.ids"
find_id() { awk -v k="$1" '$1 == k || substr($0, index($0, " ") + 1) == k { print $1; exit }' "$state/$kind.ids"; }
cmd=$1
shift
case $cmd in
create)
  while [ "$1" = -d ]; do shift 2; done
  file=$1
  if [ "$kind" = oneflow-template ]; then
    name=$(sed -n 's/^  "name": "\\(.*\\)",$/\\1/p' "$file")
  else
    name=$(sed -n 's/^NAME = "\\(.*\\)"$/\\1/p' "$file")
  fi
  id=$((first + $(wc -l <"$state/$kind.ids")))
  echo "$id $name" >>"$state/$kind.ids"
  cp "$file" "$state/$kind-$id"
  echo "ID: $id"
  ;;
show)
  [ "$1" != -x ] || shift
  id=$(find_id "$1")
  if [ -z "$id" ]; then echo "$noun named $1 not found." >&2; exit 255; fi
  case $kind in
  oneflow-template) printf 'SERVICE TEMPLATE %s INFORMATION\\nID                  : %s\\nNAME                : x\\n' "$id" "$id" ;;
  onetemplate) printf '<VMTEMPLATE>\\n  <ID>%s</ID>\\n  <UID>0</UID>\\n  <TEMPLATE>\\n    <DISK>\\n      <IMAGE_ID><![CDATA[7]]></IMAGE_ID>\\n    </DISK>\\n  </TEMPLATE>\\n</VMTEMPLATE>\\n' "$id" ;;
  oneimage)
    states=$(cat "$state/image-states" 2>/dev/null || echo 1)
    set -- $states
    s=$1
    if [ $# -gt 1 ]; then shift; echo "$*" >"$state/image-states"; fi
    printf '<IMAGE>\\n  <ID>%s</ID>\\n  <UID>0</UID>\\n  <STATE>%s</STATE>\\n  <PREV_STATE>4</PREV_STATE>\\n  <TEMPLATE>\\n    <ERROR><![CDATA[Error copying image in the datastore: Not allowed to copy image]]></ERROR>\\n  </TEMPLATE>\\n</IMAGE>\\n' "$id" "$s"
    ;;
  esac
  ;;
*) echo "fake: $cmd is not faked" >&2; exit 1 ;;
esac
`;

let root: string;
let bin: string;
let exported: string;
let qcow2: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), "onekube-import-"));
  bin = join(root, "bin");
  mkdirSync(bin);
  for (const name of ["oneimage", "onetemplate", "oneflow-template"]) {
    writeFileSync(join(bin, name), FAKE);
    chmodSync(join(bin, name), 0o755);
  }
  qcow2 = join(root, "images", "onekube-0.1.0-amd64.qcow2");
  mkdirSync(join(root, "images"));
  writeFileSync(qcow2, "not really a disk");
  exported = join(root, "export");
  const set = exportSet({
    version: "0.1.0",
    location: { path: qcow2 },
    imageFile: "onekube-0.1.0-amd64.qcow2",
    now: NOW,
  });
  writeDirAtomically(exported, set.files, { force: false });
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A fresh cloud (state dir) for one test. */
function cloud(name: string, imageStates = "4 4 1"): string {
  const state = join(root, `state-${name}`);
  mkdirSync(state);
  writeFileSync(join(state, "image-states"), imageStates);
  return state;
}

async function runImport(state: string, args: string[] = ["mystore"], env: Record<string, string> = {}) {
  const r = await execa("sh", [join(exported, "import.sh"), ...args], {
    reject: false,
    extendEnv: false,
    env: { PATH: `${bin}:/usr/bin:/bin`, FAKE_STATE: state, ONEKUBE_POLL_SECONDS: "0", ...env },
    timeout: 30_000,
  });
  const log = existsSync(join(state, "log"))
    ? readFileSync(join(state, "log"), "utf8").trim().split("\n")
    : [];
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr, log };
}

/** The log with the script's temporary paths cut to their file names. */
const calls = (log: readonly string[]) => log.map((l) => l.replace(/\S*\/onekube-import\.\w+\//g, ""));

describe("import.sh", () => {
  test("is POSIX sh that shellcheck accepts", async (t) => {
    const script = join(exported, "import.sh");
    assert.equal((await execa("sh", ["-n", script], { reject: false })).exitCode, 0);
    const which = await execa("sh", ["-c", "command -v shellcheck"], { reject: false });
    if (which.exitCode !== 0) return t.skip("shellcheck is not installed (apt-get install shellcheck)");
    const r = await execa("shellcheck", ["--shell=sh", script], { reject: false });
    assert.equal(r.exitCode, 0, r.stdout);
  });

  test("creates the image, waits until READY, creates the VM templates with its id, then the service template with theirs", async () => {
    // GIVEN an empty cloud WHEN the script runs with a datastore
    const state = cloud("fresh");
    const r = await runImport(state);
    // THEN each resource is looked up by name, then created, in order
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(calls(r.log), [
      "oneimage show -x onekube-0.1.0",
      "oneimage create -d mystore image.tmpl",
      "oneimage show -x 7",
      "oneimage show -x 7",
      "oneimage show -x 7",
      ...ROLES.flatMap((role) => [
        `onetemplate show -x onekube-0.1.0-${role}`,
        `onetemplate create vm-${role}.tmpl`,
      ]),
      "oneflow-template show onekube-0.1.0",
      "oneflow-template create service.json",
    ]);
    assert.match(r.stdout, /waiting until it is READY/);
    assert.match(
      r.stdout,
      /IMAGE_ID=7 VNF_TEMPLATE_ID=10 MASTER_TEMPLATE_ID=11 WORKER_TEMPLATE_ID=12 STORAGE_TEMPLATE_ID=13 SERVICE_TEMPLATE_ID=20/,
    );
    assert.match(r.stdout, /oneflow-template instantiate 20 .*instantiate\.json/);
    // AND the image template is image.tmpl as exported
    assert.equal(
      readFileSync(join(state, "oneimage-7"), "utf8"),
      readFileSync(join(exported, "image.tmpl"), "utf8"),
    );
    // AND each VM template is the role's, its OS disk bound to the image's id
    ROLES.forEach((role, i) => {
      const text = readFileSync(join(state, `onetemplate-${10 + i}`), "utf8");
      assert.deepEqual(
        templateObject(parseOneTemplate(text), ["DISK"]),
        vmTemplate(role, { namePrefix: "onekube-0.1.0", imageId: 7 }),
        role,
      );
    });
    // AND the service template holds the templates' ids, `$service` reaching OneFlow as written
    const service = JSON.parse(readFileSync(join(state, "oneflow-template-20"), "utf8")) as ServiceTemplate;
    assertServiceTemplate(service);
    assert.deepEqual(
      service,
      exportServiceTemplate("onekube-0.1.0", { vnf: 10, master: 11, worker: 12, storage: 13 }),
    );
    assert.equal(service.roles[0]?.template_contents.NIC[0]?.NETWORK_ID, "$service");
  });

  test("run again, creates nothing and says what exists, with the same ids", async () => {
    const state = cloud("twice");
    assert.equal((await runImport(state)).code, 0);
    writeFileSync(join(state, "log"), "");
    const r = await runImport(state);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.log.filter((l) => l.includes(" create ")),
      [],
    );
    assert.match(r.stdout, /image onekube-0\.1\.0: exists, ID 7/);
    assert.match(r.stdout, /VM template onekube-0\.1\.0-storage: exists, ID 13 \(not changed\)/);
    assert.match(r.stdout, /service template onekube-0\.1\.0: exists, ID 20 \(not changed\)/);
    assert.match(r.stdout, /IMAGE_ID=7 .* SERVICE_TEMPLATE_ID=20/);
  });

  test("takes the datastore from ONEKUBE_DATASTORE, else `default`", async () => {
    const fromEnv = await runImport(cloud("ds-env"), [], { ONEKUBE_DATASTORE: "ssd" });
    assert.ok(calls(fromEnv.log).includes("oneimage create -d ssd image.tmpl"));
    const byDefault = await runImport(cloud("ds-default"), []);
    assert.ok(calls(byDefault.log).includes("oneimage create -d default image.tmpl"));
  });

  test("stops on an image in ERROR with the datastore's reason, creating no template", async () => {
    const r = await runImport(cloud("error", "4 5"));
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /image onekube-0\.1\.0 \(ID 7\) is in ERROR: Error copying image in the datastore/,
    );
    assert.equal(
      r.log.some((l) => l.startsWith("onetemplate")),
      false,
    );
  });

  test("stops when the image is not READY in time, saying that a new run waits on", async () => {
    const r = await runImport(cloud("slow", "4"), ["mystore"], { ONEKUBE_IMAGE_TIMEOUT: "0" });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not READY after 0 s \(state 4\); run this again to wait on/);
  });

  test("a failure other than `not found` stops it before anything is created", async () => {
    const state = cloud("down");
    writeFileSync(join(state, "broken"), "[one.imagepool.info] Connection refused\n");
    const r = await runImport(state);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /oneimage show onekube-0\.1\.0: \[one\.imagepool\.info\] Connection refused/);
    assert.deepEqual(calls(r.log), ["oneimage show -x onekube-0.1.0"]);
  });

  test("refuses to start without the qcow2 where the image template points", async () => {
    rmSync(qcow2);
    try {
      const r = await runImport(cloud("no-file"));
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot read .*onekube-0\.1\.0-amd64\.qcow2: copy the qcow2 there/);
      assert.equal(
        r.log.some((l) => l.includes(" create ")),
        false,
      );
    } finally {
      writeFileSync(qcow2, "not really a disk");
    }
  });

  test("says which command is missing off the front-end", async () => {
    const r = await execa("sh", [join(exported, "import.sh")], {
      reject: false,
      extendEnv: false,
      env: { PATH: "/usr/bin:/bin" },
    });
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /oneimage not found: run this on the OpenNebula front-end/);
  });
});
