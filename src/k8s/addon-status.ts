/**
 * What the first master publishes about the add-ons it applied (one OneGate value, base64 JSON,
 * as OneGate carries single-line text only), so that `onekube status` can say what is there and
 * what cannot run, instead of hiding it.
 */
import { z } from "zod";
import { decodeValue, encodeValue } from "../onegate/values.js";

export const ADDONS_KEY = "ONEKUBE_ADDONS";

const schema = z.array(
  z.object({
    name: z.string(),
    state: z.enum(["applied", "incomplete"]),
    objects: z.number(),
    /** Images its pods use that this node's runtime does not hold and no registry can give. */
    missingImages: z.array(z.string()),
    note: z.string().optional(),
  }),
);

export type AddonStatus = z.infer<typeof schema>[number];

export const encodeAddons = (list: readonly AddonStatus[]): string => encodeValue(JSON.stringify(list));

export function decodeAddons(value: unknown): AddonStatus[] | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return schema.parse(JSON.parse(decodeValue(value)));
  } catch {
    return undefined;
  }
}

/** One line per add-on, as `onekube status` prints them. */
export function describeAddon(a: AddonStatus): string {
  const images =
    a.missingImages.length === 0
      ? ""
      : `; ${a.missingImages.length} image(s) not available here, its pods cannot start: ${a.missingImages.join(", ")}`;
  return `${a.name}: ${a.state} (${a.objects} objects)${a.note ? `; ${a.note}` : ""}${images}`;
}
