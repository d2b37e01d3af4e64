/**
 * A refusal of the embedded OneFlow, carrying the HTTP status upstream would answer with and
 * upstream's plain-text reason, so the engine's callers (REST server, OneGate adapter, CLI)
 * never have to guess either. OpenNebula maps its error classes to statuses: authorization 401,
 * authentication 403, not found 404, schema/JSON errors 400, everything else 500 (§3.1).
 */
export type FlowStatus = 400 | 401 | 403 | 404 | 500;

export class FlowError extends Error {
  override readonly name = "FlowError";
  constructor(
    readonly status: FlowStatus,
    message: string,
  ) {
    super(message);
  }
}

/** Most refusals (wrong state, unknown role, bounds) are plain errors: 500. */
export const refused = (message: string): FlowError => new FlowError(500, message);
export const invalid = (message: string): FlowError => new FlowError(400, message);

/** What the core answers for a document id it does not have (OpenNebula's NO_EXISTS → 404). */
export const documentNotFound = (id: number): FlowError =>
  new FlowError(404, `[one.document.info] Error getting document [${id}].`);

export const vmNotFound = (id: number): FlowError =>
  new FlowError(404, `[one.vm.info] Error getting virtual machine [${id}].`);
