import { describeAddon } from "../../k8s/addon-status.js";
import { addonsHolder, type ServiceView } from "../../local/status.js";
import { table } from "../io.js";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The human view of a service: roles, VMs, states, IPs, ready, errors. */
export function formatStatus(view: ServiceView): string {
  const start = view.roles.flatMap((r) => r.history.map((h) => h.at))[0];
  const lines = [`SERVICE ${view.id} ${view.name}: ${view.state}`, ""];
  const rows: string[][] = [["ROLE", "STATE", "VMS", "VM", "IP", "VM STATE", "READY", "TOOK", "NOTES"]];
  for (const role of view.roles) {
    rows.push([role.name, role.state, String(role.cardinality), "", "", "", "", "", ""]);
    for (const vm of role.vms) {
      const took =
        vm.createdAt !== undefined && vm.readyAt !== undefined ? seconds(vm.readyAt - vm.createdAt) : "";
      rows.push([
        "",
        "",
        "",
        `${vm.id} ${vm.name}`,
        vm.ip ?? "-",
        vm.state,
        vm.ready ? "YES" : "no",
        took,
        vm.notes,
      ]);
    }
  }
  lines.push(table(rows));
  const addons = addonsHolder(view);
  if (addons) {
    lines.push("", `ADD-ONS (applied by VM ${addons.id})`);
    for (const a of addons.addons) lines.push(`  ${describeAddon(a)}`);
  }
  const failed = view.roles.flatMap((r) => r.vms).filter((vm) => vm.error);
  if (failed.length > 0) {
    lines.push("", "ERRORS");
    for (const vm of failed) lines.push(`  VM ${vm.id} ${vm.name}: ${vm.error}`);
  }
  if (start !== undefined && view.state !== "RUNNING")
    lines.push("", "LOG", ...view.log.map((l) => `  ${l}`));
  return `${lines.join("\n")}\n`;
}
