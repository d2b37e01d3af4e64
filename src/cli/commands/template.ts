import type { Command } from "commander";
import { ROLES } from "../../params/types.js";
import { ROLE_SPECS } from "../../service/roles.js";
import { serviceTemplate, vmTemplates } from "../../service/template.js";
import { type Io, printJson, table } from "../io.js";

export function registerTemplate(program: Command, io: Io): void {
  program
    .command("template")
    .description("print the OneFlow service template and the four VM templates")
    .option("--json", "print JSON: {service_template, vm_templates}")
    .option("--name <name>", "service template name", "onekube")
    .action((opts: { json?: boolean; name: string }) => {
      const service = serviceTemplate({ name: opts.name });
      if (opts.json) return printJson(io, { service_template: service, vm_templates: vmTemplates() });
      const rows = ROLES.map((r) => {
        const s = ROLE_SPECS[r];
        return [
          r,
          String(s.cardinality),
          `${s.minVms}-${s.maxVms}`,
          s.parents.join(",") || "-",
          `${s.vcpu}`,
          `${s.memoryMb} MB`,
          s.extraDiskMb ? `${s.extraDiskMb} MB` : "-",
        ];
      });
      io.out(
        `OneFlow service template "${service.name}" (deployment ${service.deployment}, ready gate on)\n\n`,
      );
      io.out(`${table([["ROLE", "VMS", "MIN-MAX", "AFTER", "VCPU", "MEMORY", "EXTRA DISK"], ...rows])}\n\n`);
      io.out(
        "Deploy order: vnf -> master -> worker + storage. `onekube template --json` prints the documents.\n",
      );
    });
}
