/**
 * One nftables table of our own, observed and replaced as a whole: `nft list table` is compared
 * with the rendered listing, and only a difference runs the rendered script (one transaction).
 */
import type { Exec } from "../../host/exec.js";
import type { NftTable } from "../../render/vnf-nft.js";
import type { PhaseOutcome } from "../runner.js";

export type Outcome = Exclude<PhaseOutcome, "skipped">;

/** The live table as nft prints it, or undefined when the table does not exist. */
export async function liveTable(exec: Exec, family: string, name: string): Promise<string | undefined> {
  const live = await exec.run("nft", ["list", "table", family, name], {
    allowFailure: true,
    operation: `read nftables table ${family} ${name}`,
  });
  if (live.exitCode === 0) return `${live.stdout.trimEnd()}\n`;
  // nft says "No such file or directory" for an absent table; anything else is a real failure.
  if (/No such file or directory/.test(live.stderr)) return undefined;
  throw new Error(`nft list table ${family} ${name} failed (exit ${live.exitCode}): ${live.stderr.trim()}`);
}

export async function applyNftTable(exec: Exec, table: NftTable): Promise<Outcome> {
  if ((await liveTable(exec, table.family, table.name)) === table.listing) return "unchanged";
  await exec.run("nft", ["-f", "-"], {
    input: table.file.content,
    operation: `replace nftables table ${table.family} ${table.name}`,
  });
  return "changed";
}

export async function removeNftTable(exec: Exec, family: string, name: string): Promise<Outcome> {
  if ((await liveTable(exec, family, name)) === undefined) return "unchanged";
  await exec.run("nft", ["delete", "table", family, name], {
    operation: `delete nftables table ${family} ${name}`,
  });
  return "changed";
}
