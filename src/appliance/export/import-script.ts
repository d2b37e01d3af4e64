/**
 * `import.sh`: a POSIX sh script an operator runs on the OpenNebula front-end, needing only
 * `oneimage`, `onetemplate` and `oneflow-template`. It carries its own copy of every template
 * (quoted here-documents: `$USER[...]` and `$service` reach OpenNebula literally) and fills in
 * the ids only the cloud knows with sed, so it needs no JSON tool: the image id into the VM
 * templates' OS disk, the VM templates' ids into the service template. Each resource is looked
 * up by name first; one that exists is reused and said so, never created twice.
 */
import { ROLES, type Role } from "../../params/types.js";
import { type ImageLocation, imageLocationText } from "./image.js";

export const IMAGE_ID_MARK = "__ONEKUBE_IMAGE_ID__";
export const templateIdMark = (role: Role): string => `__ONEKUBE_TEMPLATE_ID_${role.toUpperCase()}__`;

export interface ImportScriptInput {
  readonly version: string;
  readonly imageName: string;
  readonly templatePrefix: string;
  readonly serviceName: string;
  readonly location: ImageLocation;
  /** The image template's text. */
  readonly image: string;
  /** Each role's VM template text, its OS disk's IMAGE_ID written as IMAGE_ID_MARK. */
  readonly templates: Readonly<Record<Role, string>>;
  /** The service template's JSON, each role's template_id written as the quoted templateIdMark. */
  readonly service: string;
}

const END = "ONEKUBE_END_OF_TEXT";

/** A single-quoted shell word. */
export const shQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

function hereDoc(text: string): string {
  if (text.split("\n").includes(END)) throw new Error(`a template holds the line ${END}`);
  return `cat <<'${END}'\n${text.endsWith("\n") ? text : `${text}\n`}${END}`;
}

const HEAD = `set -eu

datastore=\${1:-\${ONEKUBE_DATASTORE:-default}}
image_timeout=\${ONEKUBE_IMAGE_TIMEOUT:-3600}
poll=\${ONEKUBE_POLL_SECONDS:-5}
here=$(dirname "$0")

say() { printf '%s\\n' "$*"; }
fail() {
  printf 'import.sh: %s\\n' "$*" >&2
  exit 1
}

for tool in oneimage onetemplate oneflow-template; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run this on the OpenNebula front-end"
done

work=$(mktemp -d "\${TMPDIR:-/tmp}/onekube-import.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The first <TAG>value</TAG> of the XML on stdin (CDATA unwrapped), its first line.
xml_value() {
  sed -e 's/<!\\[CDATA\\[//g' -e 's/\\]\\]>//g' | tr '<' '\\n' | sed -n "s/^$1>//p" | head -n 1
}

# lookup KIND NAME: the id of the KIND named NAME, nothing when there is none. Any other
# failure (the cloud unreachable, several of that name) stops the script.
lookup() {
  if [ "$1" = oneflow-template ]; then
    out=$(oneflow-template show "$2" 2>"$work/err") || out=
    id=$(printf '%s\\n' "$out" | sed -n 's/^ID *: *\\([0-9][0-9]*\\).*/\\1/p' | head -n 1)
  else
    out=$("$1" show -x "$2" 2>"$work/err") || out=
    id=$(printf '%s\\n' "$out" | xml_value ID)
  fi
  if [ -n "$id" ]; then
    printf '%s\\n' "$id"
  elif ! grep -q 'named .* not found' "$work/err"; then
    fail "$1 show $2: $(cat "$work/err")"
  fi
}

# create KIND ARGS...: \`KIND create ARGS\`, printing the id of its "ID: N".
create() {
  kind=$1
  shift
  "$kind" create "$@" >"$work/out" 2>"$work/err" || fail "$kind create $*: $(cat "$work/err" "$work/out")"
  id=$(sed -n 's/^ID: *\\([0-9][0-9]*\\).*/\\1/p' "$work/out" | head -n 1)
  [ -n "$id" ] || fail "$kind create $*: no \\"ID: N\\" in its output: $(cat "$work/out")"
  printf '%s\\n' "$id"
}`;

const IMAGE_WAIT = `# READY (1) or USED (2, 8): VMs can clone it. DISABLED (3), ERROR (5) and DELETE (7) stop;
# the rest (INIT, LOCKED while the datastore copies the file, CLONE...) is waited out.
waited=0
while :; do
  xml=$(oneimage show -x "$image_id" 2>"$work/err") || fail "oneimage show -x $image_id: $(cat "$work/err")"
  state=$(printf '%s\\n' "$xml" | xml_value STATE)
  case $state in
  1 | 2 | 8) break ;;
  3) fail "image $image_name (ID $image_id) is DISABLED: oneimage enable $image_id, then run this again" ;;
  5) fail "image $image_name (ID $image_id) is in ERROR: $(printf '%s\\n' "$xml" | xml_value ERROR) (oneimage delete $image_id, then run this again)" ;;
  7) fail "image $image_name (ID $image_id) is being deleted" ;;
  esac
  [ "$waited" -lt "$image_timeout" ] ||
    fail "image $image_name (ID $image_id) is not READY after \${image_timeout} s (state $state); run this again to wait on"
  [ "$waited" -gt 0 ] || say "image $image_name: waiting until it is READY (the datastore is copying it)..."
  sleep "$poll"
  waited=$((waited + poll))
done
say "image $image_name: READY"`;

function imageStep(input: ImportScriptInput): string {
  const check =
    "path" in input.location
      ? `  [ -r "$image_source" ] ||
    fail "cannot read $image_source: copy the qcow2 there (readable by oneadmin), or export again with --image-path or --image-url"
`
      : "";
  return `image_id=$(lookup oneimage "$image_name")
if [ -n "$image_id" ]; then
  say "image $image_name: exists, ID $image_id"
else
${check}  image_template >"$work/image.tmpl"
  image_id=$(create oneimage -d "$datastore" "$work/image.tmpl")
  say "image $image_name: created in datastore $datastore from $image_source, ID $image_id"
fi
${IMAGE_WAIT}`;
}

function templateStep(role: Role): string {
  return `name="$template_prefix-${role}"
${role}_id=$(lookup onetemplate "$name")
if [ -n "$${role}_id" ]; then
  say "VM template $name: exists, ID $${role}_id (not changed)"
else
  vm_template_${role} | sed "s/${IMAGE_ID_MARK}/$image_id/" >"$work/vm-${role}.tmpl"
  ${role}_id=$(create onetemplate "$work/vm-${role}.tmpl")
  created=yes
  say "VM template $name: created, ID $${role}_id"
fi`;
}

function serviceStep(): string {
  const substitutions = ROLES.map((r) => `-e "s/\\"${templateIdMark(r)}\\"/$${r}_id/"`).join(" ");
  return `service_id=$(lookup oneflow-template "$service_name")
if [ -n "$service_id" ]; then
  say "service template $service_name: exists, ID $service_id (not changed)"
  [ "$created" = no ] ||
    say "note: VM templates were created now; check that its roles use them: oneflow-template show $service_id"
else
  service_template | sed ${substitutions} >"$work/service.json"
  service_id=$(create oneflow-template "$work/service.json")
  say "service template $service_name: created, ID $service_id"
fi`;
}

export function importScript(input: ImportScriptInput): string {
  const functions = [
    `image_template() {\n${hereDoc(input.image)}\n}`,
    ...ROLES.map((role) => `vm_template_${role}() {\n${hereDoc(input.templates[role])}\n}`),
    `service_template() {\n${hereDoc(input.service)}\n}`,
  ];
  const ids = ROLES.map((r) => `${r.toUpperCase()}_TEMPLATE_ID=$${r}_id`).join(" ");
  return `#!/bin/sh
# onekube ${input.version} for OpenNebula: creates the image, the four VM templates and the
# OneFlow service template, then prints their ids. Run it on the front-end as the user who is to
# own them (oneadmin, or a user of the group that will use them):
#   sh import.sh [DATASTORE]        (default: $ONEKUBE_DATASTORE, else "default")
# A resource that already exists by name is reused and said so, never created twice.
# Written by \`onekube appliance export\`; it needs only oneimage, onetemplate and oneflow-template.
${HEAD}

image_name=${shQuote(input.imageName)}
template_prefix=${shQuote(input.templatePrefix)}
service_name=${shQuote(input.serviceName)}
image_source=${shQuote(imageLocationText(input.location))}
created=no

${functions.join("\n\n")}

${imageStep(input)}

${ROLES.map(templateStep).join("\n\n")}

${serviceStep()}

say ""
say "onekube ${input.version} is imported:"
say "  IMAGE_ID=$image_id ${ids} SERVICE_TEMPLATE_ID=$service_id"
say "Instantiate it: in $here/instantiate.json set ONEAPP_VNF_LB0_IP (a free address of the"
say "service network) and the network's id under networks_values, then run"
say "  oneflow-template instantiate $service_id $here/instantiate.json"
say "or answer the questions of: oneflow-template instantiate $service_id"
`;
}
