import { exportNames } from "../appliance/export/names.js";
import { catalogue, PARAM_NAMES, type ParamName } from "../params/catalogue.js";
import { ROLES, type Role } from "../params/types.js";
import { ONEKUBE_VERSION } from "../versions.js";
import { ROLE_SPECS } from "./roles.js";

/** OneFlow's user input string: `M|type|description|params|default`. */
export function userInput(name: ParamName): string {
  const spec = catalogue[name];
  const mandatory = spec.mandatory ? "M" : "O";
  const description = spec.description.replaceAll("|", "/");
  const options = spec.input.options ?? " ";
  if (spec.default === undefined && spec.input.options === undefined)
    return `${mandatory}|${spec.input.type}|${description}`;
  return `${mandatory}|${spec.input.type}|${description}|${options}|${spec.default ?? ""}`;
}

/**
 * Values for the user inputs of one scope, as an instantiation must give them: OneFlow wants a
 * value for every declared input, so the catalogue's default stands for "not given".
 */
export function userInputValues(
  raw: Readonly<Record<string, string | undefined>>,
  scope: "service" | "vnf" | "storage",
): Record<string, string> {
  const names = PARAM_NAMES.filter((n) => catalogue[n].scope === scope);
  return Object.fromEntries(names.map((n) => [n, raw[n] ?? catalogue[n].default ?? ""]));
}

function inputsFor(scope: "service" | "vnf" | "storage"): Record<string, string> {
  const names = PARAM_NAMES.filter((n) => catalogue[n].scope === scope);
  return Object.fromEntries(names.map((n) => [n, userInput(n)]));
}

export interface ServiceTemplateOptions {
  readonly name?: string;
  /** OpenNebula VM template id per role, once the VM templates exist. */
  readonly templateIds?: Partial<Record<Role, number>>;
  /** Seconds a role rests after a scale before the next one is accepted. */
  readonly cooldown?: number;
}

/** The OneFlow service template (7.x form), ready for `oneflow-template create`. */
export function serviceTemplate(options: ServiceTemplateOptions = {}) {
  return {
    name: options.name ?? "onekube",
    description: "Highly-available Kubernetes: vnf (keepalived + load balancer), master, worker, storage",
    deployment: "straight",
    ready_status_gate: true,
    user_inputs: inputsFor("service"),
    networks: { service: "M|network|Service network| |id:0" },
    roles: ROLES.map((role) => {
      const spec = ROLE_SPECS[role];
      const roleInputs = role === "vnf" || role === "storage" ? inputsFor(role) : {};
      return {
        name: role,
        type: "vm",
        template_id: options.templateIds?.[role] ?? ROLES.indexOf(role),
        cardinality: spec.cardinality,
        min_vms: spec.minVms,
        max_vms: spec.maxVms,
        cooldown: options.cooldown ?? 30,
        ...(spec.parents.length > 0 ? { parents: [...spec.parents] } : {}),
        ...(Object.keys(roleInputs).length > 0 ? { user_inputs: roleInputs } : {}),
        template_contents: { NIC: [{ NAME: "NIC0", NETWORK_ID: "$service" }] },
      };
    }),
  };
}

export interface VmTemplateOptions {
  /**
   * The OS disk's image by name (default: the name `appliance export` gives the image
   * `appliance build` makes): OpenNebula looks it up among the instantiating user's images.
   */
  readonly imageName?: string;
  /** The OS disk's image by id (wins over the name): any user allowed to use the image can. */
  readonly imageId?: number;
  /** The image's virtual size: a role's OS disk is never asked to be smaller than the image. */
  readonly imageMb?: number;
  readonly extraDiskMb?: number;
  /** Template names are `<namePrefix>-<role>`. */
  readonly namePrefix?: string;
}

/** The VM template of one role, as OpenNebula's template attributes. */
export function vmTemplate(role: Role, options: VmTemplateOptions = {}) {
  const spec = ROLE_SPECS[role];
  const image =
    options.imageId === undefined
      ? { IMAGE: options.imageName ?? exportNames(ONEKUBE_VERSION).image }
      : { IMAGE_ID: String(options.imageId) };
  const osDiskMb = spec.osDiskMb === undefined ? undefined : Math.max(spec.osDiskMb, options.imageMb ?? 0);
  const extraDiskMb = spec.extraDiskMb === undefined ? undefined : (options.extraDiskMb ?? spec.extraDiskMb);
  return {
    NAME: `${options.namePrefix ?? "onekube"}-${role}`,
    CPU: String(spec.vcpu),
    VCPU: String(spec.vcpu),
    MEMORY: String(spec.memoryMb),
    DISK: [
      { ...image, ...(osDiskMb === undefined ? {} : { SIZE: String(osDiskMb) }) },
      // Volatile and unformatted: the storage agent creates the filesystem itself. Without
      // DEV_PREFIX it would take oned.conf's DEFAULT_DEVICE_PREFIX ("sd") and not be /dev/vdb.
      ...(extraDiskMb ? [{ TYPE: "fs", FORMAT: "raw", SIZE: String(extraDiskMb), DEV_PREFIX: "vd" }] : []),
    ],
    GRAPHICS: { LISTEN: "0.0.0.0", TYPE: "VNC" },
    CONTEXT: {
      NETWORK: "YES",
      TOKEN: "YES",
      // The onekube agent reports READY itself once its role is done; the context package must not.
      REPORT_READY: "NO",
      SSH_PUBLIC_KEY: "$USER[SSH_PUBLIC_KEY]",
      ...(role === "storage" ? { GROW_FS: "/ /var/lib/longhorn" } : {}),
    },
  };
}

export function vmTemplates(options: VmTemplateOptions = {}): Record<Role, ReturnType<typeof vmTemplate>> {
  return Object.fromEntries(ROLES.map((r) => [r, vmTemplate(r, options)])) as Record<
    Role,
    ReturnType<typeof vmTemplate>
  >;
}
