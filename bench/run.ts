import { benchLocalUp } from "./local-up.js";
import { benchVnf } from "./vnf.js";

// Each benchmark prints its own figures; `npm run bench` runs them all (as root).
const runs = Number(process.env.BENCH_RUNS ?? 5);
await benchLocalUp(runs);
await benchVnf(runs);
