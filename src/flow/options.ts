/**
 * The engine's options, and their defaults in one place: what a caller may leave out (clock,
 * timeouts, VM templates, tokens, the scale-down picker) becomes the Settings every part reads.
 */
import { randomBytes } from "node:crypto";
import type { VmDriver } from "../local/driver.js";
import type { Clock } from "./clock.js";
import { oldestFirst, type ScaleDownPicker, type Settings } from "./context.js";
import type { Owner } from "./model.js";
import type { VmTemplate } from "./vm-template.js";

export interface FlowEngineOptions {
  readonly driver: VmDriver;
  readonly clock?: Clock;
  /** Ours, not OneFlow's: how long a role may take to pass the gate. Default 15 minutes. */
  readonly deployTimeoutMs?: number;
  /** Cooldown (s) of a role that sets none; OneFlow's default is 300. */
  readonly defaultCooldown?: number;
  /** The VM template a role's `template_id` names; default: an empty template. */
  readonly vmTemplate?: (templateId: number) => VmTemplate | undefined;
  /** The owner's user template, for `$USER[...]` in CONTEXT (e.g. SSH_PUBLIC_KEY). */
  readonly userTemplate?: (owner: Owner) => Readonly<Record<string, string>>;
  /** Given to VMs whose CONTEXT has TOKEN=YES, as the core does from oned.conf. */
  readonly onegateEndpoint?: string;
  /** A VM's OneGate token (token.txt); pass OneGate's `makeToken` here. Default: random. */
  readonly token?: (vm: { readonly id: number; readonly stime: number; readonly uid: number }) => string;
  readonly pickScaleDown?: ScaleDownPicker;
  /** Where internal errors of background work are written. */
  readonly log?: (line: string) => void;
}

export function settingsOf(options: FlowEngineOptions): Settings {
  return {
    deployTimeoutMs: options.deployTimeoutMs ?? 15 * 60_000,
    defaultCooldown: options.defaultCooldown ?? 300,
    vmTemplate: options.vmTemplate ?? (() => undefined),
    user: options.userTemplate ?? (() => ({})),
    onegateEndpoint: options.onegateEndpoint,
    // Unguessable, but not checkable by a real OneGate: the local cloud passes OneGate's makeToken.
    token: options.token ?? (() => randomBytes(24).toString("base64")),
    pickScaleDown: options.pickScaleDown ?? oldestFirst,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}
