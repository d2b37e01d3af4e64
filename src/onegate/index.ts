/** OneGate: protocol types, the embedded server, and the client the agent uses. */
export type { OneGatePermissions } from "./auth.js";
export { ALL_PERMITTED } from "./auth.js";
export type {
  Awaitable,
  NicRecord,
  OneGateBackend,
  ServiceNodeRecord,
  ServiceRecord,
  ServiceRoleRecord,
  TemplateValue,
  VmRecord,
} from "./backend.js";
export { ScaleRefused } from "./backend.js";
export { OneGateClient } from "./client.js";
export type { RetryOptions } from "./client-http.js";
export type { OneGateNode, OneGateRole, OneGateService, OneGateVm } from "./client-values.js";
export { attribute } from "./client-values.js";
export { MemoryBackend, type ScaleRequest } from "./memory-backend.js";
export * from "./protocol.js";
export { type OneGateServer, type ServeOptions, serveOneGate } from "./serve.js";
export {
  createOneGateApp,
  DEFAULT_RESTRICTED_ATTRIBUTES,
  type OneGateApp,
  type OneGateOptions,
} from "./server.js";
export { makeToken, newTokenPassword, openToken, tokenMatches } from "./token.js";
export { decodeValue, encodeValue, valueProblem } from "./values.js";
