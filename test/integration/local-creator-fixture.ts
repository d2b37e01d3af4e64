/**
 * A creator process for the SIGKILL test of local-driver.test.ts: opens a local service and
 * creates two VMs (the first with a disk), announcing each step on stdout so the test can kill
 * it in the middle. It does nothing unless ONEKUBE_CREATOR_FIXTURE=1, because the test runner
 * may load every file under test/ as a test file.
 */
import { NetnsDriver } from "../../src/local/netns-driver.js";
import { workerSpec } from "../helpers/local-vm.js";

const [root, service] = process.argv.slice(2);
if (process.env.ONEKUBE_CREATOR_FIXTURE === "1" && root && service) {
  const driver = await NetnsDriver.open({ root, service, agent: ["sleep", "600"] });
  const spec = (id: number) => workerSpec(id);
  await driver.create({ ...spec(1), disk: { sizeMb: 16 } });
  process.stdout.write("created 1\n");
  const second = driver.create(spec(2));
  process.stdout.write("creating 2\n");
  await second;
  process.stdout.write("created 2\n");
  // Stay until killed, like an engine that keeps running.
  setInterval(() => {}, 60_000);
}
