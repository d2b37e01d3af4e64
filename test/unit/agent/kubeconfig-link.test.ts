import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { linkKubeconfig } from "../../../src/agent/phases/k8s-kubeconfig.js";

const dir = mkdtempSync(join(tmpdir(), "okb-kube-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const ADMIN = "/etc/kubernetes/admin.conf";

test("root's kubeconfig: linked to admin.conf once, then unchanged", () => {
  const link = join(dir, "a/.kube/config");
  assert.equal(linkKubeconfig(link, ADMIN), "changed");
  assert.equal(readlinkSync(link), ADMIN);
  assert.equal(linkKubeconfig(link, ADMIN), "unchanged");
});

test("a file of the user's, or a link elsewhere, is never replaced", () => {
  const file = join(dir, "b/.kube/config");
  mkdirSync(join(dir, "b/.kube"), { recursive: true });
  writeFileSync(file, "mine");
  assert.equal(linkKubeconfig(file, ADMIN), "theirs");
  assert.equal(readFileSync(file, "utf8"), "mine");
  const other = join(dir, "c-config");
  symlinkSync("/somewhere/else", other);
  assert.equal(linkKubeconfig(other, ADMIN), "theirs");
  assert.equal(readlinkSync(other), "/somewhere/else");
});
