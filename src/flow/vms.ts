/**
 * VMs as the engine makes and ends them through the VmDriver port. A VM is recorded (PENDING,
 * and listed in its role's nodes) before the driver is asked, as OneFlow lists a node right
 * after the core allocates it; the driver's answer then moves it to RUNNING or to a failure
 * state whose reason names the VM. A destroy waits for a create still in flight, so a VM cannot
 * come alive after it was removed.
 */
import type { VmExit, VmHandle } from "../local/driver.js";
import type { Ctx } from "./context.js";
import type { NodeBody, RoleBody } from "./model.js";
import type { FlowVm, StoredService } from "./state.js";
import { isFailure, LcmState, VmState } from "./states.js";
import { buildVm } from "./vm-template.js";

const creating = new WeakMap<FlowVm, Promise<unknown>>();

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function nodeOf(vm: FlowVm): NodeBody {
  const { id, uid, gid, uname, gname, name } = vm;
  const VM = { ID: String(id), UID: String(uid), GID: String(gid), UNAME: uname, GNAME: gname, NAME: name };
  return { deploy_id: id, vm_info: { VM } };
}

const nicOf = (handle: VmHandle) => ({
  IP: handle.nic.ip,
  MAC: handle.nic.mac,
  NAME: handle.nic.name,
  NETWORK: handle.nic.network,
});

/** `$ROLE_NAME_$VM_NUMBER_(service_$SERVICE_ID)`, with the role's never-reused counter. */
export function createVm(ctx: Ctx, service: StoredService, role: RoleBody): FlowVm {
  const { state, settings } = ctx;
  const id = state.nextVmId++;
  const name = `${role.name}_${role.last_vmname}_(service_${service.id})`;
  role.last_vmname += 1;
  const owner = service.owner;
  const stime = state.nowSeconds();
  const built = buildVm(settings.vmTemplate(role.template_id) ?? {}, role.template_contents, {
    vmId: id,
    serviceId: service.id,
    role: role.name,
    owner,
    user: settings.user(owner),
    onegateEndpoint: settings.onegateEndpoint,
  });
  const vm: FlowVm = {
    ...{ id, name, stime, uid: owner.uid, gid: owner.gid, uname: owner.uname, gname: owner.gname },
    ...{ state: VmState.PENDING, lcmState: LcmState.LCM_INIT, nics: [], history: [] },
    ...{ userTemplate: built.userTemplate, context: built.context, serviceId: service.id, role: role.name },
    token: settings.token({ id, stime, uid: owner.uid }),
    ...(built.diskMb !== undefined ? { diskMb: built.diskMb } : {}),
  };
  vm.history.push(state.stamp("PENDING"));
  state.vms.set(id, vm);
  role.nodes.push(nodeOf(vm));

  const spec = {
    ...{ id, name, role: role.name, serviceId: service.id, context: vm.context, token: vm.token },
    ...(vm.diskMb !== undefined ? { disk: { sizeMb: vm.diskMb } } : {}),
  };
  const work = ctx.driver.create(spec).then(
    (handle) => {
      if (vm.state !== VmState.PENDING) return; // removed or failed meanwhile
      vm.nics = [nicOf(handle)];
      state.vmTransition(vm, VmState.ACTIVE, LcmState.RUNNING, "RUNNING");
      ctx.vmChanged(service, vm);
    },
    (error: unknown) => {
      if (vm.state !== VmState.PENDING) return;
      vm.error = `VM ${name} (ID ${id}) could not be created: ${message(error)}`;
      state.vmTransition(vm, VmState.ACTIVE, LcmState.PROLOG_FAILURE, "PROLOG_FAILURE");
      ctx.vmChanged(service, vm);
    },
  );
  creating.set(vm, work);
  ctx.track(work);
  return vm;
}

/** Terminates a VM; resolves once the driver removed it (the VM is then DONE). */
export async function destroyVm(ctx: Ctx, vm: FlowVm): Promise<void> {
  if (vm.state === VmState.DONE) return;
  if (vm.lcmState !== LcmState.SHUTDOWN)
    ctx.state.vmTransition(vm, VmState.ACTIVE, LcmState.SHUTDOWN, "SHUTDOWN");
  ctx.changed();
  await creating.get(vm)?.catch(() => {});
  try {
    await ctx.driver.destroy(vm.id);
  } catch (error) {
    vm.error = `VM ${vm.name} (ID ${vm.id}) could not be terminated: ${message(error)}`;
    throw new Error(vm.error, { cause: error });
  }
  ctx.state.vmTransition(vm, VmState.DONE, LcmState.LCM_INIT, "DONE");
  ctx.changed();
}

/** Removes a VM from its role's nodes (after it is DONE, or when it is replaced). */
export function dropNode(role: RoleBody, vmId: number): void {
  role.nodes = role.nodes.filter((n) => n.deploy_id !== vmId);
}

function describeExit(exit: VmExit): string {
  const status = exit.code !== null ? `exit status ${exit.code}` : `signal ${exit.signal ?? "unknown"}`;
  const tail = exit.logTail.trimEnd().split("\n").slice(-10).join("\n");
  return `its agent ended with ${status}${tail ? `; last log lines:\n${tail}` : ""}`;
}

/** The driver reports an agent that stopped on its own: the VM is in BOOT_FAILURE from now on. */
export function agentExited(ctx: Ctx, exit: VmExit): void {
  const vm = ctx.state.vms.get(exit.id);
  if (vm === undefined || vm.state === VmState.DONE || vm.lcmState === LcmState.SHUTDOWN) return;
  if (isFailure(vm.state, vm.lcmState)) return;
  vm.exit = { code: exit.code, signal: exit.signal, logTail: exit.logTail };
  vm.error = `VM ${vm.name} (ID ${vm.id}) failed: ${describeExit(exit)}`;
  ctx.state.vmTransition(vm, VmState.ACTIVE, LcmState.BOOT_FAILURE, "BOOT_FAILURE");
  const service = ctx.state.services.get(vm.serviceId);
  if (service) ctx.vmChanged(service, vm);
  else ctx.changed();
}
