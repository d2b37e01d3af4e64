import { catalogue, PARAM_NAMES } from "./catalogue.js";

/** The catalogue as plain rows, for `onekube params --json` and the README table. */
export function catalogueRows() {
  return PARAM_NAMES.map((name) => {
    const s = catalogue[name];
    return {
      name,
      mandatory: s.mandatory,
      default: s.default ?? null,
      stage: s.stage,
      roles: [...s.roles],
      scope: s.scope,
      type: s.type,
      description: s.description,
      extension: "extension" in s && s.extension === true,
    };
  });
}
