import type { Command } from "commander";
import type { Io } from "../io.js";
import { registerApplianceBuild } from "./appliance-build.js";
import { registerApplianceExport } from "./appliance-export.js";

/** `onekube appliance ...`: the production VM image and what an OpenNebula operator imports. */
export function registerAppliance(program: Command, io: Io): Command {
  const appliance = program
    .command("appliance")
    .description("build the appliance disk image and the files an OpenNebula operator imports");
  registerApplianceBuild(appliance, io);
  registerApplianceExport(appliance, io);
  return appliance;
}
