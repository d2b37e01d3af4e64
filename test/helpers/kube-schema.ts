import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { execa } from "execa";
import { loadManifest } from "../../src/render/canal.js";
import { SHARED_DIR } from "./golden.js";

/**
 * Validates Kubernetes objects offline against the official OpenAPI v3 schemas of the pinned
 * Kubernetes release (from the Go module cache) and, for custom resources, against the CRDs
 * shipped in the pinned upstream manifests. Like `kubectl --validate=strict`, fields a schema
 * does not declare are errors, so a typo cannot pass as "unknown, ignored".
 */

const KUBERNETES_MODULE = "k8s.io/kubernetes@v1.36.3";
const DOC_ID = "kube";
const OBJECT_META = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

type Schema = Record<string, unknown>;
type Gvk = { group: string; version: string; kind: string };

const isRecord = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);
const apiVersionOf = (g: Gvk) => (g.group === "" ? g.version : `${g.group}/${g.version}`);

/** Kubernetes leaves undeclared fields open in OpenAPI; close every object that lists its fields. */
function closeObjects(schema: unknown, formats: Set<string>): void {
  if (Array.isArray(schema)) {
    for (const s of schema) closeObjects(s, formats);
    return;
  }
  if (!isRecord(schema)) return;
  if (typeof schema.format === "string") formats.add(schema.format);
  const open =
    schema["x-kubernetes-preserve-unknown-fields"] === true ||
    schema["x-kubernetes-embedded-resource"] === true;
  if (isRecord(schema.properties)) {
    if (schema.additionalProperties === undefined && !open) schema.additionalProperties = false;
    for (const p of Object.values(schema.properties)) closeObjects(p, formats);
  }
  // anyOf/oneOf/not only add value checks in these schemas; closing them would reject valid fields.
  for (const key of ["items", "additionalProperties", "allOf"]) closeObjects(schema[key], formats);
}

async function kubernetesSchemas(schemas: Record<string, Schema>, byGvk: Map<string, string>): Promise<void> {
  const { stdout } = await execa("go", ["mod", "download", "-json", KUBERNETES_MODULE]);
  const module = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!module.Dir) throw new Error(`go mod download ${KUBERNETES_MODULE}: ${module.Error ?? "no Dir"}`);
  const dir = join(module.Dir, "api", "openapi-spec", "v3");
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".json")).sort()) {
    const spec = JSON.parse(await readFile(join(dir, file), "utf8")) as {
      components?: { schemas?: Record<string, Schema> };
    };
    for (const [key, schema] of Object.entries(spec.components?.schemas ?? {})) {
      // The same definition repeats across group files (identical apart from WatchEvent's GVK list).
      schemas[key] ??= schema;
      for (const gvk of (schema["x-kubernetes-group-version-kind"] ?? []) as Gvk[]) {
        const id = `${apiVersionOf(gvk)}/${gvk.kind}`;
        if (!byGvk.has(id)) byGvk.set(id, key);
      }
    }
  }
}

async function customResourceSchemas(
  schemas: Record<string, Schema>,
  byGvk: Map<string, string>,
): Promise<void> {
  const dir = join(SHARED_DIR, "upstream");
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".yaml")).sort()) {
    for (const crd of loadManifest(await readFile(join(dir, file), "utf8"))) {
      if (crd.kind !== "CustomResourceDefinition") continue;
      const spec = crd.spec as { group: string; names: { kind: string }; versions: Schema[] };
      for (const version of spec.versions) {
        const schema = structuredClone((version.schema as Schema | undefined)?.openAPIV3Schema) as
          | Schema
          | undefined;
        if (!schema || !isRecord(schema.properties)) continue;
        // A CRD declares metadata as a bare object; the API server applies ObjectMeta to it.
        schema.properties.metadata = { $ref: OBJECT_META };
        const key = `crd.${spec.group}.${String(version.name)}.${spec.names.kind}`;
        schemas[key] = schema;
        byGvk.set(`${spec.group}/${String(version.name)}/${spec.names.kind}`, key);
      }
    }
  }
}

function addFormats(ajv: Ajv, formats: Set<string>): void {
  ajv.addFormat("int32", {
    type: "number",
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i);
  // Other formats (double, int-or-string, CRDs' own) are descriptive here, as they are for kubectl.
  for (const f of formats) if (!["int32", "int64", "byte", "date-time"].includes(f)) ajv.addFormat(f, true);
}

/**
 * The API server reads a null field as absent (Go decoding; CRDs prune non-nullable nulls), and
 * upstream manifests rely on it (`creationTimestamp: null`, `nodePort: null`): drop them likewise.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function describe(where: string, e: ErrorObject): string {
  const path = e.instancePath === "" ? "/" : e.instancePath;
  if (e.keyword === "additionalProperties") {
    return `${where}: ${path}: unknown field "${String(e.params.additionalProperty)}"`;
  }
  return `${where}: ${path}: ${e.message ?? e.keyword}`;
}

export interface KubeValidator {
  /** Every problem of one object, each naming `Kind/name` and the JSON path; empty if valid. */
  validate(object: unknown): string[];
}

async function load(): Promise<KubeValidator> {
  const schemas: Record<string, Schema> = {};
  const byGvk = new Map<string, string>();
  await kubernetesSchemas(schemas, byGvk);
  await customResourceSchemas(schemas, byGvk);
  const formats = new Set<string>();
  for (const schema of Object.values(schemas)) closeObjects(schema, formats);
  // One document keeps every `#/components/schemas/...` reference resolvable as written.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv, formats);
  ajv.addSchema({ components: { schemas } }, DOC_ID);
  const compiled = new Map<string, ValidateFunction>();

  return {
    validate(object: unknown): string[] {
      if (!isRecord(object)) return ["not an object"];
      const meta = isRecord(object.metadata) ? object.metadata : {};
      const where = `${String(object.kind)}/${String(meta.name)}`;
      const key = byGvk.get(`${String(object.apiVersion)}/${String(object.kind)}`);
      if (!key) {
        return [`${where}: unknown kind ${String(object.kind)} in apiVersion ${String(object.apiVersion)}`];
      }
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.getSchema(`${DOC_ID}#/components/schemas/${key}`);
        if (!validate) throw new Error(`schema ${key} did not compile`);
        compiled.set(key, validate);
      }
      if (validate(withoutNulls(object))) return [];
      return [...new Set((validate.errors ?? []).map((e) => describe(where, e)))];
    },
  };
}

let validator: Promise<KubeValidator> | undefined;

/** The validator, built once per process (schemas from the Go module cache and upstream CRDs). */
export function kubeValidator(): Promise<KubeValidator> {
  validator ??= load();
  return validator;
}

/** Every problem of every object; an empty list means all objects are valid. */
export async function validateKubeObjects(objects: readonly unknown[]): Promise<string[]> {
  const v = await kubeValidator();
  return objects.flatMap((o) => v.validate(o));
}
