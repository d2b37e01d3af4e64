/**
 * The ledger: one JSON line appended BEFORE each host resource is created, so
 * that a creator killed with SIGKILL at any instant leaves a list of everything that may exist.
 * Cleanup treats each line as "may exist": removing something absent is not an error.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";

const entry = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("bridge"), name: z.string() }),
  z.object({ kind: z.literal("nft"), table: z.string() }),
  z.object({ kind: z.literal("netns"), name: z.string(), vm: z.number() }),
  z.object({ kind: z.literal("link"), name: z.string(), vm: z.number() }),
  /** The backing file; the device is found again with `losetup -j`. */
  z.object({ kind: z.literal("loop"), file: z.string(), vm: z.number() }),
  /** A VM's init about to start; `pid` and `start` (from /proc/PID/stat) once it runs. */
  z.object({
    kind: z.literal("init"),
    vm: z.number(),
    pid: z.number().optional(),
    start: z.string().optional(),
  }),
]);

export type LedgerEntry = z.infer<typeof entry>;

export class Ledger {
  constructor(readonly path: string) {}

  /**
   * A synchronous append: once write(2) returns, the line survives a SIGKILL of this process
   * (no fsync: the resources it names do not survive a power loss either).
   */
  append(e: LedgerEntry): void {
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, `${JSON.stringify(e)}\n`);
  }

  /** Every readable line; a torn last line (killed mid-write) is skipped. */
  read(): LedgerEntry[] {
    if (!existsSync(this.path)) return [];
    const out: LedgerEntry[] = [];
    for (const line of readFileSync(this.path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        const parsed = entry.safeParse(JSON.parse(line));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // A partial line from a write cut short: whatever it named is found by the prefix sweep.
      }
    }
    return out;
  }
}
