import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeIfChanged } from "../../host/files.js";
import { localNics } from "../../host/nics.js";
import { NETWORK_DIR, OWN_NETWORK_FILE, renderNetwork } from "./network.js";
import { at, type Step } from "./step.js";

/**
 * Writes networkd's files before networkd starts (the unit runs Before=systemd-networkd), so
 * nothing is restarted: a re-run while networkd runs takes effect at the next boot or
 * `networkctl reload`. Our stale files (a NIC gone from the context) go; no other file is touched.
 */
export const networkStep: Step = {
  name: "network",
  title: "write systemd-networkd files for the context's NICs (ETH<n>_*)",
  async run(ctx) {
    const sys = at(ctx, "/sys/class/net");
    const plan = renderNetwork(ctx.vars, existsSync(sys) ? localNics(sys) : []);
    for (const line of plan.notes) ctx.note(line);
    let changed = false;
    for (const file of plan.files)
      changed = (await writeIfChanged(at(ctx, file.path), file.content)) || changed;
    const dir = at(ctx, NETWORK_DIR);
    const wanted = new Set(plan.files.map((f) => at(ctx, f.path)));
    const stale = existsSync(dir)
      ? readdirSync(dir).filter((f) => OWN_NETWORK_FILE.test(f) && !wanted.has(join(dir, f)))
      : [];
    for (const f of stale) {
      rmSync(join(dir, f));
      ctx.note(`removed ${join(NETWORK_DIR, f)}: its NIC is no longer configured by the context`);
    }
    return changed || stale.length > 0 ? "changed" : "unchanged";
  },
};
