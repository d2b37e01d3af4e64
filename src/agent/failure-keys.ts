/** OneGate keys through which a VM tells `onekube status` (and users) why it failed. */
export const FAILURE_KEYS = { phase: "ONEKUBE_FAILED_PHASE", error: "ONEKUBE_ERROR" } as const;
