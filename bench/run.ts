import { benchAppliance } from "./appliance.js";
import { benchControlPlane } from "./control-plane.js";
import { benchFaults } from "./faults.js";
import { benchImages } from "./images.js";
import { benchLocalUp } from "./local-up.js";
import { benchScale } from "./scale.js";
import { benchVnf } from "./vnf.js";

// Each benchmark prints its own figures; `npm run bench` runs them all (as root).
const runs = Number(process.env.BENCH_RUNS ?? 5);
await benchLocalUp(runs);
await benchVnf(runs);
// A real control plane takes minutes: fewer runs unless asked.
await benchControlPlane(Number(process.env.BENCH_CP_RUNS ?? Math.min(runs, 2)));
if (process.env.BENCH_FAULTS !== "0") await benchFaults();
await benchScale(Number(process.env.BENCH_CP_RUNS ?? Math.min(runs, 2)));
// A cold image build recompiles flannel and MetalLB from source (~10 min on 2 cores).
if (process.env.BENCH_IMAGES !== "0") await benchImages();
// The appliance: a cold build fetches Debian and makes a disk (minutes), then a boot under QEMU.
if (process.env.BENCH_APPLIANCE !== "0") await benchAppliance();
