import type { KubeObject } from "../params/types.js";
import { KubeApiError, type KubeClient } from "./client.js";

/** How the API serves a kind: its resource (plural) name and whether it lives in a namespace. */
export interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

interface ApiResourceList {
  readonly resources?: readonly { name: string; kind: string; namespaced: boolean }[];
}

function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The status and words the API uses for an unknown resource, so callers retry it alike. */
function notServed(detail: string): KubeApiError {
  return new KubeApiError(404, "NotFound", `the server could not find the requested resource (${detail})`);
}

/**
 * Kind → resource lookup through the API's discovery documents, cached per apiVersion. A miss
 * fetches again, since a CRD applied a moment ago appears in discovery only once established.
 */
export class Discovery {
  private readonly cache = new Map<string, Map<string, ResourceInfo>>();

  constructor(private readonly client: KubeClient) {}

  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const cached = this.cache.get(apiVersion)?.get(kind);
    if (cached) return cached;
    const list = (await this.client.request("GET", groupVersionPath(apiVersion)).catch((error: unknown) => {
      if (!(error instanceof KubeApiError && error.status === 404)) throw error;
      throw notServed(`apiVersion ${apiVersion} is not served`);
    })) as ApiResourceList;
    const kinds = new Map<string, ResourceInfo>();
    for (const r of list.resources ?? []) {
      // "deployments/status" and the like are subresources, not kinds of their own.
      if (!r.name.includes("/")) kinds.set(r.kind, { plural: r.name, namespaced: r.namespaced });
    }
    this.cache.set(apiVersion, kinds);
    const found = kinds.get(kind);
    if (!found) {
      throw notServed(`no kind ${kind} in ${apiVersion}`);
    }
    return found;
  }

  /** The object's URL path; a namespaced object without a namespace goes to `default`, as kubectl does. */
  async path(object: KubeObject): Promise<string> {
    const info = await this.resource(object.apiVersion, object.kind);
    const ns = info.namespaced ? `/namespaces/${object.metadata.namespace ?? "default"}` : "";
    return `${groupVersionPath(object.apiVersion)}${ns}/${info.plural}/${encodeURIComponent(object.metadata.name)}`;
  }
}
