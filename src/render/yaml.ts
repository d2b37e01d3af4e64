import { Document, isMap, isScalar, type Pair, visit } from "yaml";
import type { KubeObject } from "../params/types.js";

// Kubernetes readers expect these first; everything else follows in sorted order.
const HEAD_KEYS = ["apiVersion", "kind", "metadata"];

function keyRank(pair: Pair): [number, string] {
  const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
  const head = HEAD_KEYS.indexOf(key);
  return [head === -1 ? HEAD_KEYS.length : head, key];
}

/**
 * Deterministic YAML for data: apiVersion/kind/metadata first, other keys sorted, no wrapping.
 * Written as YAML 1.1 because kubectl and Go readers resolve `yes`/`on`/`0644` the 1.1 way:
 * such strings come out quoted instead of turning into booleans or numbers.
 */
export function toYaml(value: unknown): string {
  const doc = new Document(value, { version: "1.1" });
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      map.items.sort((a, b) => {
        const [ra, ka] = keyRank(a);
        const [rb, kb] = keyRank(b);
        return ra - rb || (ka < kb ? -1 : ka > kb ? 1 : 0);
      });
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

/** Several objects as one multi-document YAML stream. */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((o) => `---\n${toYaml(o)}`).join("");
}

export type { KubeObject };
