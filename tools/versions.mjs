// Prints the pinned versions of src/versions.ts as shell assignments, so that the build scripts
// never spell a version twice: eval "$(node tools/versions.mjs)".
import { VERSIONS } from "../dist/src/versions.js";

for (const [name, version] of Object.entries(VERSIONS)) console.log(`v_${name}=${version}`);
