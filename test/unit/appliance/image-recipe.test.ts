import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { uuidFrom, virtualSize } from "../../../src/appliance/build/disk.js";
import { baseKey, mmdebstrapArgs } from "../../../src/appliance/build/rootfs.js";
import { grubEarlyConfig, renderImageFiles } from "../../../src/appliance/image-files.js";
import { hostAccel, qemuArgv } from "../../../src/appliance/qemu/argv.js";
import { BOOT_MODULES, DEBIAN, PACKAGES, REQUIRED_MODULES } from "../../../src/appliance/recipe.js";
import { AGENT_UNIT, CONTEXTUALIZE_UNIT, renderUnits } from "../../../src/appliance/units.js";

const facts = {
  version: "1.2.3",
  rootUuid: "5b1e2a8c-0000-4000-8000-000000000001",
  kernel: "/boot/vmlinuz-6.12.0-amd64",
  initrd: "/boot/initrd.img-6.12.0-amd64",
  podNetwork: "flannel" as const,
};

/** A unit's directives, `Key` → values in order. */
function directives(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^(\w+)=(.*)$/.exec(line);
    if (m?.[1]) map.set(m[1], [...(map.get(m[1]) ?? []), m[2] ?? ""]);
  }
  return map;
}

describe("the appliance recipe", () => {
  test("Debian 13 with Node.js, the vnf tools, Longhorn's node needs, and no cloud-init or other renderer", () => {
    assert.equal(DEBIAN.codename, "trixie");
    for (const p of [
      "nodejs",
      "linux-image-amd64",
      "grub-pc-bin",
      "keepalived",
      "haproxy",
      "unbound",
      "ipvsadm",
    ])
      assert.ok(PACKAGES.includes(p), p);
    for (const p of [
      "nftables",
      "xfsprogs",
      "openssh-server",
      "open-iscsi",
      "nfs-common",
      "cloud-guest-utils",
    ])
      assert.ok(PACKAGES.includes(p), p);
    for (const p of ["cloud-init", "ifupdown", "netplan.io", "network-manager", "one-context"])
      assert.ok(!PACKAGES.includes(p), `${p} must not be in the image`);
    assert.equal(new Set(PACKAGES).size, PACKAGES.length, "each package once");
  });

  test("the kernel must carry LVS, iSCSI, VXLAN, the bridge filter, overlay, nftables and the CD-ROM", () => {
    for (const m of [
      "ip_vs",
      "iscsi_tcp",
      "vxlan",
      "br_netfilter",
      "overlay",
      "nf_tables",
      "sr_mod",
      "isofs",
    ])
      assert.ok((REQUIRED_MODULES as readonly string[]).includes(m), m);
    for (const m of BOOT_MODULES) assert.ok((REQUIRED_MODULES as readonly string[]).includes(m), m);
  });

  test("mmdebstrap gets every package and the mirror; the base's key follows the mirror", () => {
    const args = mmdebstrapArgs("http://mirror.example/debian", "/tmp/base.tar");
    assert.ok(args.includes(`--include=${PACKAGES.join(",")}`));
    assert.deepEqual(args.slice(-3), ["trixie", "/tmp/base.tar", "http://mirror.example/debian"]);
    assert.notEqual(baseKey("http://a/debian"), baseKey("http://b/debian"));
    assert.equal(baseKey("http://a/debian"), baseKey("http://a/debian"));
  });
});

describe("the appliance's units", () => {
  const units = new Map(renderUnits().map((f) => [f.path.split("/").pop(), directives(f.content)]));
  const ctx = units.get(CONTEXTUALIZE_UNIT);
  const agent = units.get(AGENT_UNIT);

  test("contextualization runs once per boot before the network and sshd, outside the default dependencies", () => {
    assert.ok(ctx);
    assert.deepEqual(ctx.get("DefaultDependencies"), ["no"]);
    assert.equal(ctx.get("Type")?.[0], "oneshot");
    const before = ctx.get("Before")?.join(" ") ?? "";
    for (const u of ["network-pre.target", "systemd-networkd.service", "ssh.service"])
      assert.match(before, new RegExp(u));
    assert.deepEqual(ctx.get("ExecStart"), ["/usr/bin/onekube contextualize"]);
  });

  test("the agent starts after contextualization and the network, and is never ordered after multi-user.target (no cycle)", () => {
    assert.ok(agent);
    assert.match(
      agent.get("After")?.join(" ") ?? "",
      /onekube-contextualize\.service.*network-online\.target/,
    );
    assert.deepEqual(agent.get("Requires"), [CONTEXTUALIZE_UNIT]);
    assert.deepEqual(agent.get("WantedBy"), ["multi-user.target"]);
    for (const [name, d] of units)
      assert.doesNotMatch(d.get("After")?.join(" ") ?? "", /multi-user\.target/, name);
    assert.deepEqual(agent.get("ExecStart"), ["/usr/bin/onekube agent"]);
    assert.deepEqual(
      agent.get("KillMode"),
      ["mixed"],
      "the agent alone is told to stop: a node leaves first",
    );
  });
});

describe("the image's own files", () => {
  const files = new Map(renderImageFiles(facts).map((f) => [f.path, f]));

  test("GRUB boots the kernel from the root found by UUID, with eth0 names and a serial console", () => {
    const grub = files.get("boot/grub/grub.cfg")?.content ?? "";
    assert.match(grub, new RegExp(`search --no-floppy --fs-uuid --set=root ${facts.rootUuid}`));
    assert.match(
      grub,
      /linux \/boot\/vmlinuz-6\.12\.0-amd64 root=UUID=5b1e2a8c-0000-4000-8000-000000000001 ro net\.ifnames=0/,
    );
    assert.match(grub, /console=ttyS0,115200/);
    assert.match(
      grubEarlyConfig(facts.rootUuid),
      /^search\.fs_uuid 5b1e2a8c-0000-4000-8000-000000000001 root$/m,
    );
    assert.equal(files.get("etc/fstab")?.content, `UUID=${facts.rootUuid} / ext4 errors=remount-ro 0 1\n`);
  });

  test("the agent's platform: images and manifests from the image, Canal as the image can run it", () => {
    const defaults = files.get("etc/default/onekube")?.content ?? "";
    assert.match(defaults, /^ONEKUBE_IMAGE_ARCHIVES=\/usr\/share\/onekube\/images$/m);
    assert.match(defaults, /^ONEKUBE_ADDONS_DIR=\/usr\/share\/onekube\/addons$/m);
    assert.match(defaults, /^ONEKUBE_POD_NETWORK=flannel$/m);
  });

  test("keys only over SSH; modules and sysctls for Kubernetes; the onekube command", () => {
    assert.match(
      files.get("etc/ssh/sshd_config.d/60-onekube.conf")?.content ?? "",
      /^PasswordAuthentication no$/m,
    );
    assert.deepEqual(
      files
        .get("etc/modules-load.d/onekube.conf")
        ?.content.split("\n")
        .filter((l) => /^\w/.test(l)),
      [...BOOT_MODULES],
    );
    assert.match(files.get("etc/sysctl.d/60-onekube.conf")?.content ?? "", /^net\.ipv4\.ip_forward = 1$/m);
    assert.equal(files.get("usr/bin/onekube")?.mode, 0o755);
  });
});

describe("disk and QEMU", () => {
  test("a key names one UUID, always the same", () => {
    const u = uuidFrom("0123456789abcdef0123456789abcdef0123");
    assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(u, uuidFrom("0123456789abcdef0123456789abcdef0123"));
  });

  test("the virtual size is whole GiB with the headroom above the contents, never below 20 GiB", () => {
    assert.equal(virtualSize(3.2 * 2 ** 30), 20 * 2 ** 30);
    assert.equal(virtualSize(19.5 * 2 ** 30), 22 * 2 ** 30);
  });

  test("QEMU as OpenNebula's KVM default: i440fx, virtio disk and NIC with the context's MAC, the CD on IDE", () => {
    const argv = qemuArgv({
      disk: "/d.qcow2",
      cdrom: "/ctx.iso",
      nics: [{ tap: "tap0", mac: "02:00:0a:00:00:05" }],
      memoryMb: 1024,
      cpus: 1,
      serialLog: "/s.log",
      accel: "tcg",
    });
    const after = (flag: string) => argv[argv.indexOf(flag) + 1];
    assert.equal(after("-machine"), "pc");
    assert.equal(after("-accel"), "tcg,thread=multi");
    assert.equal(after("-cdrom"), "/ctx.iso");
    assert.equal(after("-drive"), "file=/d.qcow2,if=virtio,format=qcow2");
    assert.ok(argv.includes("virtio-net-pci,netdev=n0,mac=02:00:0a:00:00:05"));
  });

  test("hardware KVM only with the CPU's virtualization flag (this host's PVM /dev/kvm cannot boot Debian)", () => {
    assert.equal(hostAccel("flags\t\t: fpu vme de pse tsc msr\n"), "tcg");
  });
});
