/** The material the initialising master minted, kept on its disk before `kubeadm init` uses it. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { JOIN_FILE } from "../../node/paths.js";

const schema = z.object({ token: z.string(), certificateKey: z.string(), mintedAt: z.number() });
export type MintedMaterial = z.infer<typeof schema>;

export function readJoinFile(): MintedMaterial | undefined {
  return existsSync(JOIN_FILE) ? schema.parse(JSON.parse(readFileSync(JOIN_FILE, "utf8"))) : undefined;
}

export function writeJoinFile(m: MintedMaterial): void {
  mkdirSync(dirname(JOIN_FILE), { recursive: true, mode: 0o700 });
  writeFileSync(JOIN_FILE, `${JSON.stringify(m)}\n`, { mode: 0o600 });
}
