import { hostExec } from "../../host/exec.js";
import { prepareStorageDisk } from "../../node/disk.js";
import type { Phase } from "../runner.js";
import { type AgentContext, need } from "../state.js";

/**
 * The storage node's dedicated disk, before it joins: formatted only when blank, reused when it
 * already holds our filesystem, refused (untouched) when it holds anything else; mounted where
 * Longhorn keeps its replicas, persisted in fstab, grown after a disk resize.
 */
export const storageDisk: Phase<AgentContext> = {
  name: "storage-disk",
  title: "prepare the storage disk (format if blank, mount, fstab, grow)",
  shouldRun: (ctx) => ctx.role === "storage",
  async run(ctx) {
    const storage = need(ctx.config, "the parameters").storage;
    const result = await prepareStorageDisk(hostExec, storage, { log: ctx.log });
    ctx.log(
      `[storage-disk] ${storage.device} (UUID ${result.uuid}) at ${storage.mountpoint}: ${result.filesystemBytes} bytes`,
    );
    return result.changed ? "changed" : "unchanged";
  },
};
