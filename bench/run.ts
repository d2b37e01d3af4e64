import { benchAppliance } from "./appliance.js";
import { benchControlPlane } from "./control-plane.js";
import { benchFaults } from "./faults.js";
import { benchImages } from "./images.js";
import { benchLocalUp } from "./local-up.js";
import { benchScale } from "./scale.js";
import { benchServiceUp } from "./service-up.js";
import { benchVnf } from "./vnf.js";

// Each benchmark prints its own figures; `npm run bench` runs them all (as root).
const runs = Number(process.env.BENCH_RUNS ?? 5);
await benchLocalUp(runs);
await benchVnf(runs);
// A real control plane takes minutes: fewer runs unless asked.
await benchControlPlane(Number(process.env.BENCH_CP_RUNS ?? Math.min(runs, 2)));
// The default service three times (issue 14: its median and spread, and where the time goes).
if (process.env.BENCH_UP !== "0") await benchServiceUp(Number(process.env.BENCH_UP_RUNS ?? 3));
if (process.env.BENCH_FAULTS !== "0") await benchFaults();
// Adding a worker: issue 14's third figure, median of 3.
await benchScale(Number(process.env.BENCH_SCALE_RUNS ?? 3));
// A cold image build recompiles flannel and MetalLB from source (~10 min on 2 cores).
if (process.env.BENCH_IMAGES !== "0") await benchImages();
// The appliance: a cold build fetches Debian and makes a disk (minutes), then a boot under QEMU.
if (process.env.BENCH_APPLIANCE !== "0") await benchAppliance();
