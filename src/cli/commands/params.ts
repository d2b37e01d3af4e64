import type { Command } from "commander";
import { catalogueRows } from "../../params/describe.js";
import { type Io, printJson, table } from "../io.js";
import { paramsMarkdown } from "../markdown.js";

export function registerParams(program: Command, io: Io): void {
  program
    .command("params")
    .description("list every parameter of the service: default, mandatory, roles, what it takes")
    .option("--json", "print JSON")
    .option("--markdown", "print the Markdown table of README.md")
    .action((opts: { json?: boolean; markdown?: boolean }) => {
      const rows = catalogueRows();
      if (opts.json) return printJson(io, rows);
      if (opts.markdown) return io.out(`${paramsMarkdown()}\n`);
      io.out(
        `${table([
          ["PARAMETER", "MANDATORY", "DEFAULT", "ROLES", "VALUE"],
          ...rows.map((r) => [r.name, r.mandatory ? "YES" : "", r.default ?? "", r.roles.join(","), r.type]),
        ])}\n`,
      );
    });
}
