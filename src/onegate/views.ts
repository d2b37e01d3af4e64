/**
 * The JSON documents OneGate sends, built from the backend's records. Key order and types follow
 * upstream's build_vm_hash / build_service_hash exactly (see protocol.ts for the types).
 */
import type { NicRecord, ServiceRecord, ServiceRoleRecord, TemplateValue, VmRecord } from "./backend.js";
import {
  NIC_KEYS,
  type NicDocument,
  type NodeVm,
  type ServiceDocument,
  type VmDocument,
} from "./protocol.js";

/** Never shown to the VM (the scheduler's notes about placement). */
const HIDDEN_USER_ATTRIBUTES = new Set(["SCHED_MESSAGE"]);

function filterNic(nic: NicRecord): NicDocument {
  const out: NicDocument = {};
  for (const [key, value] of Object.entries(nic)) {
    if ((NIC_KEYS as readonly string[]).includes(key)) out[key as (typeof NIC_KEYS)[number]] = value;
  }
  return out;
}

/** GET /vm and GET /vms/:id: the filtered VM. */
export function vmView(vm: VmRecord): VmDocument {
  const userTemplate: Record<string, TemplateValue> = {};
  for (const [key, value] of Object.entries(vm.userTemplate)) {
    if (!HIDDEN_USER_ATTRIBUTES.has(key)) userTemplate[key] = value;
  }
  return {
    VM: {
      NAME: vm.name,
      ID: String(vm.id),
      STATE: String(vm.state),
      LCM_STATE: String(vm.lcmState),
      USER_TEMPLATE: userTemplate,
      TEMPLATE: { NIC: vm.nics.map(filterNic), NIC_ALIAS: (vm.nicAliases ?? []).map(filterNic) },
    },
  };
}

/** What OneFlow keeps of each node's VM: identity and ownership, nothing about its state. */
export function nodeVmInfo(id: number, vm: VmRecord | undefined): NodeVm {
  if (vm === undefined) return { ID: String(id) };
  return {
    ID: String(vm.id),
    UID: String(vm.uid),
    GID: String(vm.gid),
    UNAME: vm.uname,
    GNAME: vm.gname,
    NAME: vm.name,
  };
}

/** One element or an array, as OpenNebula's XML→JSON gives a repeated element; absent if none. */
function xmlList<T>(items: readonly T[]): T | readonly T[] | undefined {
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : items;
}

/** The unfiltered VM (`GET /service` with `extended`), in the core's key order. */
export function fullVmInfo(vm: VmRecord): NodeVm {
  const template: Record<string, unknown> = {};
  if (vm.context !== undefined) template.CONTEXT = vm.context;
  const nics = xmlList(vm.nics);
  if (nics !== undefined) template.NIC = nics;
  const aliases = xmlList(vm.nicAliases ?? []);
  if (aliases !== undefined) template.NIC_ALIAS = aliases;
  template.VMID = String(vm.id);
  return {
    ...nodeVmInfo(vm.id, vm),
    STATE: String(vm.state),
    LCM_STATE: String(vm.lcmState),
    STIME: String(vm.stime),
    TEMPLATE: template,
    USER_TEMPLATE: vm.userTemplate,
  };
}

/** GET /service: the service reduced to roles and nodes; `vmInfo` says what each node shows. */
export function serviceView(
  service: ServiceRecord & { roles: readonly ServiceRoleRecord[] },
  vmInfo: (deployId: number) => NodeVm,
): ServiceDocument {
  return {
    SERVICE: {
      name: service.name,
      id: String(service.id),
      state: service.state,
      roles: service.roles.map((role) => ({
        name: role.name,
        cardinality: role.cardinality,
        state: role.state,
        // `running` is null in current OneFlow; the key stays because clients read it.
        nodes: role.nodes.map((node) => ({
          deploy_id: node.deployId,
          running: null,
          vm_info: { VM: vmInfo(node.deployId) },
        })),
      })),
    },
  };
}
