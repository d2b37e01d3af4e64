/**
 * The four VM templates of the import set, from the same `vmTemplate()` `onekube template`
 * prints. Nothing of the service's user inputs is written here: OneFlow 7 adds each input value
 * to every role's VM as an attribute and as `CONTEXT[NAME] = "$NAME"` when it deploys
 * (src/flow/lib/models/service.rb `generate_template_contents`; src/flow/merge.ts), and the
 * service template's NIC brings the network.
 */
import { ROLES, type Role } from "../../params/types.js";
import { vmTemplate } from "../../service/template.js";

export type RoleTemplates = Record<Role, ReturnType<typeof vmTemplate>>;

const MIB = 2 ** 20;

/** The image's virtual size in MiB, rounded up, as a DISK SIZE compares with it. */
export const imageMb = (virtualSize: number): number => Math.ceil(virtualSize / MIB);

/** The templates with the OS disk found by image name (what `onetemplate create` files hold). */
export function exportVmTemplates(input: {
  readonly templatePrefix: string;
  readonly imageName: string;
  readonly virtualSize?: number | undefined;
}): RoleTemplates {
  const size = input.virtualSize === undefined ? {} : { imageMb: imageMb(input.virtualSize) };
  return Object.fromEntries(
    ROLES.map((role) => [
      role,
      vmTemplate(role, { namePrefix: input.templatePrefix, imageName: input.imageName, ...size }),
    ]),
  ) as RoleTemplates;
}

/**
 * The same templates with the OS disk bound to an image id written as `mark`, for a script that
 * knows the id only once the image exists: an id serves every user allowed to use the image,
 * where a name is looked up among the instantiating user's own images.
 */
export function withImageIdMark(templates: RoleTemplates, mark: string): RoleTemplates {
  return Object.fromEntries(
    ROLES.map((role) => {
      const t = templates[role];
      const [os, ...rest] = t.DISK;
      const size = os?.SIZE === undefined ? {} : { SIZE: os.SIZE };
      return [role, { ...t, DISK: [{ IMAGE_ID: mark, ...size }, ...rest] }];
    }),
  ) as RoleTemplates;
}
