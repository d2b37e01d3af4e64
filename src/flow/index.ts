/** OneFlow: the embedded engine and REST server, and the client for it or a real OneFlow. */

export { OneFlowClient, type OneFlowClientOptions, type OneFlowCredentials, parseAuth } from "./client.js";
export { type Clock, systemClock, type Timer } from "./clock.js";
export { oldestFirst, type ScaleDownCandidates, type ScaleDownPicker } from "./context.js";
export { type FlowChange, FlowEngine, type FlowEngineOptions, type VmRecord } from "./engine.js";
export { FlowError, type FlowStatus } from "./errors.js";
export * from "./model.js";
export { parseSnapshot } from "./restore.js";
export { validateTemplate } from "./schema.js";
export { type OneFlowServer, serveOneFlow } from "./serve.js";
export {
  createOneFlowApp,
  type OneFlowApp,
  type OneFlowAuthenticator,
  type OneFlowOptions,
  singleUser,
} from "./server.js";
export type { AgentExit, FlowSnapshot, Transition } from "./state.js";
export * from "./states.js";
export type { TemplateValue, VmTemplate } from "./vm-template.js";
