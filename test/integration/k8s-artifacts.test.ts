import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { execa } from "execa";
import { renderContainerdConfig } from "../../src/render/containerd.js";
import { VERSIONS } from "../../src/versions.js";
import { componentBinary, imageArchive, k8sBinary } from "../helpers/k8s-bin.js";

const run = async (file: string, args: string[]) => {
  const r = await execa(file, args, { all: true, reject: false });
  return r.all ?? "";
};

describe("pinned Kubernetes artifacts built from Go modules (tools/k8s, tools/build)", () => {
  test("every binary reports the pinned version", async () => {
    const k8s = VERSIONS.kubernetes;
    assert.equal((await run(k8sBinary("kubeadm"), ["version", "-o", "short"])).trim(), k8s);
    assert.match(await run(k8sBinary("kubelet"), ["--version"]), new RegExp(`Kubernetes ${k8s}$`));
    for (const c of ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy"]) {
      assert.match(await run(k8sBinary(c), ["--version"]), new RegExp(`Kubernetes ${k8s}`), c);
    }
    assert.match(
      await run(k8sBinary("kubectl"), ["version", "--client"]),
      new RegExp(`Client Version: ${k8s}`),
    );
    assert.match(
      await run(componentBinary("etcd", "etcd"), ["--version"]),
      new RegExp(`etcd Version: ${VERSIONS.etcd}`),
    );
    assert.match(
      await run(componentBinary("coredns", "coredns"), ["-version"]),
      new RegExp(`CoreDNS-${VERSIONS.coredns.slice(1)}`),
    );
    assert.match(
      await run(componentBinary("containerd", "containerd"), ["--version"]),
      new RegExp(VERSIONS.containerd),
    );
    assert.match(
      await run(componentBinary("runc", "runc"), ["--version"]),
      new RegExp(`runc version ${VERSIONS.runc.slice(1)}`),
    );
  });

  test("every image kubeadm asks for exists under its upstream name, with an entrypoint that runs", async () => {
    // GIVEN kubeadm's own list for the pinned release
    const refs = (
      await run(k8sBinary("kubeadm"), [
        "config",
        "images",
        "list",
        "--kubernetes-version",
        VERSIONS.kubernetes,
      ])
    )
      .trim()
      .split("\n");
    assert.equal(refs.length, 7);
    for (const ref of refs) {
      // WHEN its archive is read THEN it is an OCI layout naming exactly that reference
      const archive = imageArchive(ref);
      const index = JSON.parse(await run("tar", ["xOf", archive, "index.json"])) as {
        manifests: { annotations?: Record<string, string> }[];
      };
      assert.equal(index.manifests[0]?.annotations?.["org.opencontainers.image.ref.name"], ref);
    }
  });

  test("the kube-proxy image carries a working nft (nftables mode) with its libraries", async () => {
    const dir = await mkdtemp(join(tmpdir(), "onekube-image-"));
    try {
      const archive = imageArchive(`registry.k8s.io/kube-proxy:${VERSIONS.kubernetes}`);
      await execa("tar", ["xf", archive, "-C", dir]);
      const index = JSON.parse(await run("cat", [join(dir, "index.json")])) as {
        manifests: { digest: string }[];
      };
      const blob = (digest: string) => join(dir, "blobs", "sha256", digest.replace("sha256:", ""));
      const manifest = JSON.parse(await run("cat", [blob(index.manifests[0]?.digest ?? "")])) as {
        layers: { digest: string }[];
        config: { digest: string };
      };
      const rootfs = join(dir, "rootfs");
      await execa("mkdir", ["-p", rootfs]);
      for (const layer of manifest.layers) await execa("tar", ["xf", blob(layer.digest), "-C", rootfs]);
      const config = JSON.parse(await run("cat", [blob(manifest.config.digest)])) as {
        config: { Entrypoint: string[]; Env: string[] };
      };
      assert.deepEqual(config.config.Entrypoint, ["/usr/local/bin/kube-proxy"]);
      assert.ok(config.config.Env.some((e) => e.startsWith("PATH=/usr/local/bin")));
      assert.match(await run("chroot", [rootfs, "/usr/sbin/nft", "--version"]), /^nftables v\d/);
      assert.match(
        await run("chroot", [rootfs, "/usr/local/bin/kube-proxy", "--version"]),
        new RegExp(VERSIONS.kubernetes),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("containerd accepts the node configuration onekube renders", async () => {
    const dir = await mkdtemp(join(tmpdir(), "onekube-containerd-"));
    try {
      const file = renderContainerdConfig({
        sandboxImage: `registry.k8s.io/pause:${VERSIONS.pause}`,
        runcPath: componentBinary("runc", "runc"),
        restrictOomScoreAdj: true,
        systemdCgroup: false,
        cniBinDirs: ["/usr/lib/cni"],
      });
      const path = join(dir, "config.toml");
      await writeFile(path, file.content);
      const r = await execa(
        componentBinary("containerd", "containerd"),
        ["--config", path, "config", "dump"],
        {
          all: true,
          reject: false,
        },
      );
      assert.equal(r.exitCode, 0, r.all);
      // The dump is containerd's own reading of the file: our settings survived it.
      assert.match(r.stdout, /restrict_oom_score_adj = true/);
      assert.match(
        r.stdout,
        new RegExp(`sandbox = '${`registry.k8s.io/pause:${VERSIONS.pause}`.replaceAll(".", "\\.")}'`),
      );
      assert.match(r.stdout, /SystemdCgroup = false/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
