/**
 * A context CD made the way OpenNebula makes it (src/tm_mad/common/context: `xorriso -as mkisofs
 * -o ISO -V CONTEXT -J -R DIR`): ISO 9660 with Joliet and Rock Ridge, volume id CONTEXT, holding
 * context.sh (src/params/context.ts formatContext writes OpenNebula's syntax) and token.txt.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Exec } from "../../host/exec.js";
import { formatContext } from "../../params/context.js";

export const CONTEXT_LABEL = "CONTEXT";

export interface ContextCd {
  readonly vars: Readonly<Record<string, string>>;
  /** token.txt's content (OneGate's token for the VM), when the template has TOKEN=YES. */
  readonly token?: string;
  /** Other files (CONTEXT/FILES), by name on the CD. */
  readonly files?: Readonly<Record<string, string>>;
}

export async function makeContextIso(exec: Exec, cd: ContextCd, iso: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "onekube-context-"));
  try {
    await writeFile(join(dir, "context.sh"), formatContext(cd.vars), { mode: 0o600 });
    if (cd.token !== undefined) await writeFile(join(dir, "token.txt"), `${cd.token}\n`, { mode: 0o600 });
    for (const [name, content] of Object.entries(cd.files ?? {})) await writeFile(join(dir, name), content);
    await exec.run("xorriso", ["-as", "mkisofs", "-quiet", "-o", iso, "-V", CONTEXT_LABEL, "-J", "-R", dir], {
      operation: "make the context CD",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
