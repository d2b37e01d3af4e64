import type { KubeObject } from "../params/types.js";

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function child(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** The pod spec of a workload object, or undefined for kinds that run no pods. */
export function podSpecOf(object: KubeObject): unknown {
  const path = POD_SPEC_PATHS[object.kind];
  return path ? child(object, ...path) : undefined;
}

/** The lists of a pod spec that hold containers with images. */
export const CONTAINER_FIELDS = ["initContainers", "containers"] as const;
