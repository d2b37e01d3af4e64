import { benchLocalUp } from "./local-up.js";

// Each benchmark prints its own figures; `npm run bench` runs them all.
const runs = Number(process.env.BENCH_RUNS ?? 5);
await benchLocalUp(runs);
