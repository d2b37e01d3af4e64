/**
 * The systemd units that make a booted image a onekube VM: contextualization first, before the
 * network comes up (it writes networkd's files, the host name and root's SSH keys), then the
 * agent once the network is online. The agent alone reports READY, when its role is ready.
 *
 * No ordering cycle (appliance-image.md §7): nothing here is ordered after multi-user.target,
 * which is what the agent is wanted by; the build checks it with `systemd-analyze verify`.
 */
import type { RenderedFile } from "../render/files.js";
import { IMAGE_PATHS } from "./recipe.js";

export const CONTEXTUALIZE_UNIT = "onekube-contextualize.service";
export const AGENT_UNIT = "onekube-agent.service";

/** Units the image enables, besides its own. */
export const ENABLED_UNITS = [
  "systemd-networkd.service",
  "systemd-networkd-wait-online.service",
  "systemd-timesyncd.service",
  "ssh.service",
];

const unit = (sections: Record<string, readonly string[]>): string =>
  `${Object.entries(sections)
    .map(([name, lines]) => `[${name}]\n${lines.join("\n")}\n`)
    .join("\n")}`;

function contextualize(): string {
  return unit({
    Unit: [
      "Description=onekube: contextualize this VM from the OpenNebula context CD",
      // Before the network, sshd and the rest of the boot: it writes their configuration.
      "DefaultDependencies=no",
      "Wants=network-pre.target",
      "After=local-fs.target systemd-udev-trigger.service systemd-remount-fs.service",
      "Before=network-pre.target systemd-networkd.service ssh.service sysinit.target shutdown.target",
      "Conflicts=shutdown.target",
    ],
    Service: [
      "Type=oneshot",
      "RemainAfterExit=yes",
      `ExecStart=${IMAGE_PATHS.bin} contextualize`,
      "StandardOutput=journal+console",
      "TimeoutStartSec=5min",
    ],
    Install: ["WantedBy=sysinit.target"],
  });
}

function agent(): string {
  return unit({
    Unit: [
      "Description=onekube agent: run this VM's role of the Kubernetes service",
      `Requires=${CONTEXTUALIZE_UNIT}`,
      `After=${CONTEXTUALIZE_UNIT} network-online.target time-sync.target`,
      "Wants=network-online.target",
    ],
    Service: [
      "Type=exec",
      `EnvironmentFile=-${IMAGE_PATHS.defaults}`,
      `ExecStart=${IMAGE_PATHS.bin} agent`,
      // The agent supervises containerd, kubelet, keepalived and HAProxy itself, and a node that
      // a scale-down removes must leave its cluster first: it alone gets the stop signal, then
      // has an ACPI shutdown's time before the rest is killed.
      "KillMode=mixed",
      "TimeoutStopSec=180",
      // Like OpenNebula's context scripts: a failure is published to OneGate, not retried.
      "Restart=no",
      "LimitNOFILE=1048576",
    ],
    Install: ["WantedBy=multi-user.target"],
  });
}

export function renderUnits(): RenderedFile[] {
  return [
    { path: `etc/systemd/system/${CONTEXTUALIZE_UNIT}`, content: contextualize() },
    { path: `etc/systemd/system/${AGENT_UNIT}`, content: agent() },
  ];
}
