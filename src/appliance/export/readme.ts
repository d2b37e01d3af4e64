/** The README.md of the import set: the exact steps, with this export's names and files. */
import { ROLES } from "../../params/types.js";
import { type ImageLocation, imageLocationText } from "./image.js";
import type { ExportNames } from "./names.js";

export interface ReadmeInput {
  readonly version: string;
  readonly names: ExportNames;
  readonly location: ImageLocation;
  /** The qcow2's file name, to copy to the front-end when the image is read from a path. */
  readonly imageFile: string;
  /** Files under marketplace/, when they were written. */
  readonly marketplace: readonly string[];
}

function copyStep(input: ReadmeInput): string {
  if ("url" in input.location)
    return `OpenNebula downloads the image from ${input.location.url}: copy this directory to the front-end.`;
  const dir = input.location.path.slice(0, input.location.path.lastIndexOf("/")) || "/";
  return `Copy this directory and the image (\`${input.imageFile}\`, where \`onekube appliance build\` wrote it: BUILD_DIR)
to the front-end; the image must be at ${input.location.path}, readable by oneadmin (the datastore drivers refuse
to copy from /var/lib/one, /etc/one and oneadmin's home):

\`\`\`sh
ssh root@FRONTEND mkdir -p ${dir}
scp -r ./* BUILD_DIR/${input.imageFile} root@FRONTEND:${dir}/
ssh root@FRONTEND chmod -R a+rX ${dir}
\`\`\``;
}

function marketplaceSection(input: ReadmeInput): string {
  if (input.marketplace.length === 0)
    return `## Marketplace

Not written: the marketplace apps need the image's URL (\`--image-url\`) and its manifest
(\`--image-manifest\`, for its size and checksums).`;
  return `## Marketplace

\`marketplace/\` holds the apps for a marketplace of your own (the YAML of OpenNebula/marketplace, served by
appmarket-simple): ${input.marketplace.map((f) => `\`${f}\``).join(", ")}. Once served, import them all at once
with \`onemarketapp export '${input.names.app.service}' ${input.names.service} -d DATASTORE\`. Imported this way the
OS disk keeps the image's virtual size (a marketplace VM template carries no disk size).`;
}

export function exportReadme(input: ReadmeInput): string {
  const { names } = input;
  const templates = ROLES.map((r) => `onetemplate create vm-${r}.tmpl`).join("\n");
  return `# onekube ${input.version} for OpenNebula

What an OpenNebula operator imports to run the onekube Kubernetes service (needs OpenNebula 7 with
OneFlow and OneGate). Written by \`onekube appliance export\`.

| file | what |
| --- | --- |
| \`image.tmpl\` | the OS disk: \`oneimage create\` template, image \`${names.image}\` from ${imageLocationText(input.location)} |
| \`vm-<role>.tmpl\` | the VM templates \`${names.templatePrefix}-<role>\` (vnf, master, worker, storage), \`onetemplate create\` syntax |
| \`service.json\` | the OneFlow service template \`${names.service}\` (\`oneflow-template create\`) |
| \`instantiate.json\` | the values to instantiate it with (\`oneflow-template instantiate ID FILE\`) |
| \`import.sh\` | all of the import in one go, on the front-end |
| \`marketplace/\` | marketplace apps (IMAGE, a VMTEMPLATE per role, SERVICE_TEMPLATE), when written |

## 1. Copy to the front-end

${copyStep(input)}

## 2. Import with the script

On the front-end, as the user who is to own the resources (e.g. oneadmin):

\`\`\`sh
sh import.sh [DATASTORE]
\`\`\`

It creates the image in DATASTORE (default: \`$ONEKUBE_DATASTORE\`, else \`default\`) and waits until it is READY,
creates the four VM templates with the image's id, then the service template with the templates' ids, and
prints every id. What already exists by name is reused and said so, never created twice.

## 2. Or import by hand (the same steps)

\`\`\`sh
oneimage create -d default image.tmpl
oneimage show ${names.image}          # wait for STATE rdy
${templates}
\`\`\`

Put the four VM template ids printed by \`onetemplate create\` into \`service.json\` (each role's
\`template_id\`), then:

\`\`\`sh
oneflow-template create service.json
\`\`\`

The VM templates find the image by name, among the images of the user who instantiates them: a user other than
the image's owner needs \`IMAGE_UNAME\` in the templates' DISK, or the image's id (\`import.sh\` uses the id).

## 3. Instantiate

Set \`ONEAPP_VNF_LB0_IP\` in \`instantiate.json\` to a free IPv4 address of the service network (the control-plane
endpoint the VNFs hold) and \`networks_values\` to that network's id (\`onevnet list\`), change any other value,
then:

\`\`\`sh
oneflow-template instantiate SERVICE_TEMPLATE_ID instantiate.json
\`\`\`

(\`oneflow-template instantiate SERVICE_TEMPLATE_ID\` without the file asks for each value instead.)

In Sunstone: **Templates → Services**, select \`${names.service}\`, **Instantiate**, choose the network, enter the
Control Plane Endpoint (\`ONEAPP_VNF_LB0_IP\`), and follow the deployment in **Instances → Services**: the roles
deploy in order, vnf → master → worker + storage, each when every VM of the one before reports READY.

## 4. Use the cluster

\`\`\`sh
ssh root@MASTER_IP kubectl get nodes -o wide
mkdir -p ~/.kube && scp root@MASTER_IP:/etc/kubernetes/admin.conf ~/.kube/config
\`\`\`

The VMs take the SSH key of the user who instantiated the service (\`$USER[SSH_PUBLIC_KEY]\`); \`admin.conf\`
talks to the control plane through \`ONEAPP_VNF_LB0_IP\`.

${marketplaceSection(input)}
`;
}
