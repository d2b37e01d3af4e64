/**
 * What makes a network namespace look like a VM to the programs in it: the script that runs
 * first inside the VM's fresh mount and UTS namespaces, then contextualizes it as the appliance
 * does (the part a namespace VM needs: root's SSH key), starts its sshd, runs the agent and,
 * once the agent ends, holds the namespaces (it is the VM's "init"; its pid is the handle on
 * the VM). Its values come in through the environment (never spliced into the text), so no path
 * needs quoting here. The steps follow shared/reference/proving-ground.md ("The VM that worked").
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** `node <repo>/bin/onekube.js`: the VM runs the same onekube as the host (dist/src/local/ is three levels down). */
export const ONEKUBE_CLI = [
  process.execPath,
  join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bin", "onekube.js"),
] as const;

/** Paths every VM must own: kubeadm's, containerd's and kubelet's fixed paths, and ours. */
export const PRIVATE_DIRS = [
  "/etc/kubernetes",
  "/var/lib/kubelet",
  "/var/lib/etcd",
  "/var/lib/containerd",
  "/run/containerd",
  "/etc/containerd",
  "/etc/cni/net.d",
  "/var/log/pods",
  "/var/log/containers",
  "/run/netns",
  "/var/lib/onekube",
  "/run/onekube",
  // host-local's allocations: shared, every node would start from its range's first free address
  // and hand a freed one out again at once (a VM's own disk keeps them apart)
  "/var/lib/cni",
  // root's SSH keys and kubeconfig (not all of /root: the repository may live there)
  "/root/.ssh",
  "/root/.kube",
] as const;

/** kubelet propagates volume mounts to containers, so its directory must be a shared mount. */
export const RSHARED_DIRS = ["/var/lib/kubelet"] as const;

export const VM_INIT_SCRIPT = `set -eu
d=$OKB_VM_DIR
hostname "$OKB_HOSTNAME"
mkdir -p "$d/mnt/cgroup" "$d/mnt/dev" "$d/dev/upper" "$d/dev/work"
# /sys of our own shows this VM's interfaces; the host's cgroup tree is carried over (kubelet needs it)
mount --rbind /sys/fs/cgroup "$d/mnt/cgroup"
mount -t sysfs sysfs /sys
mount --rbind "$d/mnt/cgroup" /sys/fs/cgroup
umount -R -l "$d/mnt/cgroup"
# /dev as an overlay of the host's: the disk's name (and anything the VM adds) exists only here
mount --rbind /dev "$d/mnt/dev"
mount -t overlay overlay -o "lowerdir=/dev,upperdir=$d/dev/upper,workdir=$d/dev/work" /dev
for sub in pts shm mqueue hugepages; do
  if mountpoint -q "$d/mnt/dev/$sub"; then mount --rbind "$d/mnt/dev/$sub" "/dev/$sub"; fi
done
umount -R -l "$d/mnt/dev"
if [ -n "\${OKB_LOOP:-}" ]; then
  : > "$OKB_DISK"
  mount --bind "$OKB_LOOP" "$OKB_DISK"
fi
# our copy of every other namespace's /run/netns mount would keep those namespaces alive
findmnt -rn -o TARGET | grep '^/run/netns/' | sort -r | while read -r m; do umount -l "$m"; done
if mountpoint -q /run/netns; then umount -l /run/netns; fi
# /etc as an overlay of the host's: what the VM writes there (fstab, ...) stays its own, and a
# file can still be replaced by a rename, as on a real disk
mkdir -p "$d/etc/upper" "$d/etc/work" "$d/mnt/etc"
mount --rbind /etc "$d/mnt/etc"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/etc/upper,workdir=$d/etc/work" /etc
# files the host mounts over its /etc (a container's resolv.conf, hosts) are carried over
findmnt -rn -o TARGET | grep "^$d/mnt/etc/" | while read -r m; do
  if [ -e "/etc/\${m#"$d/mnt/etc/"}" ]; then mount --bind "$m" "/etc/\${m#"$d/mnt/etc/"}"; fi
done
umount -R -l "$d/mnt/etc"
for p in $OKB_PRIVATE; do
  mkdir -p "$d/root$p" "$p"
  mount --bind "$d/root$p" "$p"
done
for p in $OKB_RSHARED; do mount --make-rshared "$p"; done
# the context CD, read-only as a CD is
mkdir -p "$OKB_CONTEXT_MOUNT"
mount --bind "$d/context" "$OKB_CONTEXT_MOUNT"
mount -o remount,bind,ro "$OKB_CONTEXT_MOUNT"
# the image's tools where the appliance keeps them, so that an SSH session's PATH finds kubectl
mkdir -p /usr/local/bin
mount -t overlay overlay -o "lowerdir=$d/usr-local-bin:/usr/local/bin" /usr/local/bin
# sshd without PAM refuses a locked account: the VM's own /etc/shadow says "no password" instead of "!"
if grep -q '^root:!' /etc/shadow; then sed -i 's/^root:![^:]*:/root:*:/' /etc/shadow; fi
context=$OKB_CONTEXT_MOUNT node=$OKB_NODE onekube=$OKB_ONEKUBE
unset OKB_VM_DIR OKB_HOSTNAME OKB_LOOP OKB_DISK OKB_PRIVATE OKB_RSHARED OKB_CONTEXT_MOUNT OKB_NODE OKB_ONEKUBE
cd /
echo ready >&3
set +e
while :; do
  # What the appliance's contextualization does that a namespace VM needs (root's SSH key), then
  # sshd: beside the agent, which needs neither (as sshd and the agent start side by side on a
  # booting VM). sshd detaches itself: no child of this init (which ends as a sleep that reaps
  # nothing); it is in the VM's network namespace, where the teardown kills every process.
  (
    "$node" "$onekube" contextualize --source "$context" --only ssh
    if [ -x /usr/sbin/sshd ]; then
      mkdir -p /run/sshd
      /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log" || echo "sshd did not start: $d/sshd.log says why"
    else
      echo "no /usr/sbin/sshd on this host (apt-get install openssh-server): no SSH login to this VM"
    fi
  ) 3>&- &
  # The agent is one process of the VM, not the VM: when it ends, the VM stays up (as a real
  # VM does when its appliance script fails or finishes) until it is destroyed.
  "$@" 3>&- &
  wait $!
  code=$?
  # A reboot (vm-reboot.ts) marks it so and kills every process of the VM but this init: once it
  # says "up", the VM boots again from an empty /run, as a real one does, instead of ending.
  [ -e "$d/reboot" ] || break
  while [ "$(cat "$d/reboot" 2>/dev/null)" != up ]; do sleep 0.1; done
  rm -f "$d/reboot"
  findmnt -rn -o TARGET | grep -E '^(/run/netns|/run/containerd|/var/lib/kubelet/pods)/' | sort -r |
    while read -r m; do umount -l "$m"; done
  for p in /run/onekube /run/containerd /run/netns; do find "$p" -mindepth 1 -delete 2>/dev/null; done
  echo "onekube: VM rebooted"
done
echo "$code" > "$d/agent.exit"
(echo "exit $code" >&3) 2>/dev/null
exec 3>&-
exec sleep infinity
`;

/**
 * The VM's sshd: the host's binary with a configuration of its own (the host's may listen
 * elsewhere or log in otherwise), no PAM (which would register the VM's sessions with the host's
 * logind), no pid file (the VM shares the host's /run), SFTP in-process (scp speaks it).
 */
export const SSHD_CONFIG = `# onekube local cloud: this VM's sshd
Port 22
ListenAddress 0.0.0.0
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile .ssh/authorized_keys
PidFile none
Subsystem sftp internal-sftp
`;

export interface VmInitInput {
  readonly vmDir: string;
  readonly hostname: string;
  readonly contextMount: string;
  readonly disk?: { readonly loopDevice: string; readonly path: string };
}

/** The script's environment; the agent keeps none of its OKB_ variables: only PATH (the image's directories first) and the image's variables. */
export function vmInitEnv(
  input: VmInitInput,
  marker: Readonly<Record<string, string>>,
  path: readonly string[] = [],
): Record<string, string> {
  return {
    PATH: [...path, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"].join(":"),
    HOME: "/root",
    LANG: "C.UTF-8",
    ...marker,
    OKB_VM_DIR: input.vmDir,
    OKB_HOSTNAME: input.hostname,
    OKB_PRIVATE: PRIVATE_DIRS.join(" "),
    OKB_RSHARED: RSHARED_DIRS.join(" "),
    OKB_CONTEXT_MOUNT: input.contextMount,
    OKB_NODE: ONEKUBE_CLI[0],
    OKB_ONEKUBE: ONEKUBE_CLI[1],
    ...(input.disk ? { OKB_LOOP: input.disk.loopDevice, OKB_DISK: input.disk.path } : {}),
  };
}

/** Enter the VM's network namespace, then a new mount + UTS namespace; run the script, which runs argv. */
export function vmInitArgv(namespace: string, argv: readonly string[]): string[] {
  return [
    "nsenter",
    `--net=/run/netns/${namespace}`,
    "--",
    "unshare",
    "--mount",
    "--uts",
    "--propagation",
    "private",
    "--",
    "sh",
    "-c",
    VM_INIT_SCRIPT,
    "onekube-vm-init",
    ...argv,
  ];
}
