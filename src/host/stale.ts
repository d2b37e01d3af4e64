import { existsSync, readFileSync } from "node:fs";

function comm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/**
 * Ends a program a previous agent left running (an agent killed hard leaves its children), as
 * its pid file names it, and waits for it; a pid now used by another program is left alone.
 */
export async function stopStale(pidFile: string, ...programs: string[]): Promise<void> {
  const pid = Number(existsSync(pidFile) ? readFileSync(pidFile, "utf8").trim() : Number.NaN);
  const running = () => programs.includes(comm(pid) ?? "");
  if (!Number.isInteger(pid) || pid <= 0 || !running()) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100 && running(); i++) await new Promise((r) => setTimeout(r, 100));
  if (running()) process.kill(pid, "SIGKILL");
}
