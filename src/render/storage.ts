import type { StorageConfig } from "../params/types.js";
import type { RenderedFile } from "./files.js";

/** fstab's own escaping: a space or tab inside a field would split it. */
function fstabField(text: string): string {
  return text.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}

function unescapeField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/**
 * The fstab entry of the storage disk. The agent passes `UUID=...` of the filesystem it found
 * or made: a label can repeat (every local-cloud storage VM's disk is "STORAGE" on one kernel),
 * a UUID cannot. `nofail` keeps a VM booting when the disk is detached.
 */
export function fstabLine(storage: StorageConfig, source = `LABEL=${storage.label}`): string {
  return `${source} ${fstabField(storage.mountpoint)} ${storage.filesystem} defaults,nofail 0 2`;
}

/** A preview before the disk exists, hence by label (its UUID is not known yet). */
export function renderFstab(storage: StorageConfig): RenderedFile {
  return { path: "storage/fstab", content: `${fstabLine(storage)}\n` };
}

/**
 * `current` fstab with exactly one entry for `line`'s mount point: the first entry for that
 * mount point replaced (later ones dropped), or `line` appended; every other line kept as is.
 */
export function mergeFstab(current: string, line: string): string {
  const target = (l: string): string | undefined => {
    const fields = l.trim().split(/\s+/);
    return l.trim().startsWith("#") || fields.length < 2 ? undefined : unescapeField(fields[1] ?? "");
  };
  const mountpoint = target(line);
  const lines = current === "" ? [] : current.replace(/\n$/, "").split("\n");
  let placed = false;
  const out: string[] = [];
  for (const l of lines) {
    if (target(l) !== mountpoint) out.push(l);
    else if (!placed) {
      out.push(line);
      placed = true;
    }
  }
  if (!placed) out.push(line);
  return `${out.join("\n")}\n`;
}
