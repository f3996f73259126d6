/**
 * Where the spam balancer's automatic decisions go: the control plane, which turns
 * them into AUTO-source rules and pushes the mutes to the SDKs over their streams.
 *
 * The balancer depends only on this small interface, so it works with any control
 * plane that has these two methods (duck-typed: `host.control`, or any started
 * component that has them), and with none at all (then a mute is applied only in
 * the collector: records of the muted key are dropped and counted here).
 *
 * Contract for implementers:
 *   - setAuto(target, reason, { ttlMs }): from now on the target is muted by AUTO
 *     (SDKs that log it stop sending and count what they drop, see sdk-report.ts).
 *     With ttlMs > 0 the decision lapses after ttlMs unless set again: the balancer
 *     sets it again every ttlMs / 4 while the key stays muted (must be cheap when
 *     nothing changed), so a collector that died cannot leave SDKs muted for ever.
 *     A failure (a thrown error or a rejected promise) is retried, at most every
 *     few seconds, while the decision still holds.
 *   - clearAuto(target): the automatic mute of the target is lifted.
 *   - manualModeOf(target) (optional): the mode people chose for the target, with
 *     the control plane's own precedence (the most specific manual rule covering
 *     it): 'on' (pinned on: the balancer must not mute it), 'off' (pinned off:
 *     muted by a person, not the balancer's business) or 'auto' / undefined (the
 *     balancer decides). "A manual rule always wins over AUTO": the balancer asks
 *     before every mute and for every muted key at every evaluation, and steps
 *     back (clearAuto, stops its own drops) as soon as the answer is not AUTO.
 *     Without this method the balancer learns manual rules only through
 *     SpamProcessor.setManualMode().
 * The target's optional fields follow collector/control's RuleTarget: exactly one
 * of `templateId` / `function` is set by the balancer; `service` always is.
 */
import type { Component, Host } from '../../collector/pipeline/component';

/**
 * What the balancer mutes: one template, or one function, of one service — of one
 * sender when `instance` is set (the sender scope: the service.instance.id, or
 * `session:<hex>` / `stream:<id>` for a stream without one; see
 * collector/pipeline/sender-scope.ts). The control plane pushes a rule naming an
 * instance to that sender's streams only.
 */
export interface MuteTarget {
  service: string;
  /** The sender scope; absent / '' = every sender of the service. */
  instance?: string;
  /** Set for template mutes (uint64 global template id). */
  templateId?: bigint;
  /** Set for function mutes (code.function). */
  function?: string;
}

/** An AUTO mute in force (any collector's), as the balancer follows it. */
export interface PeerMute {
  target: MuteTarget;
  reason: string;
  /** Who wrote the rule (the control plane's writer name: `collector@host`), when known. */
  owner?: string;
}

/**
 * The AUTO mutes in force across collectors, for following them (shared_rates):
 * `version()` changes (by ===) whenever they may have changed.
 */
export interface AutoRuleView {
  version(): unknown;
  mutes(): PeerMute[];
}

interface RuleLike {
  target: { service: string; instance?: string; function?: string; templateId?: bigint };
  state: string;
  source: string;
  reason: string;
  updatedBy?: string;
}

/**
 * The view of a sink that can list the AUTO rules in force: one with an
 * `autoMutes()` method (asked at every evaluation), or the control plane
 * (collector/control/store.ts: its `rules` list, replaced on every change).
 * Undefined for sinks that cannot (then nothing is followed).
 */
export function autoRuleViewOf(sink: AutoMuteSink | undefined): AutoRuleView | undefined {
  const s = sink as unknown as { autoMutes?: unknown; rules?: unknown } | undefined;
  if (s === undefined || s === null) return undefined;
  if (typeof s.autoMutes === 'function') {
    const f = s.autoMutes as () => PeerMute[];
    let n = 0;
    return { version: () => ++n, mutes: () => f.call(s) };
  }
  if (!Array.isArray(s.rules)) return undefined;
  return {
    version: () => s.rules,
    mutes: () => {
      const out: PeerMute[] = [];
      for (const r of s.rules as RuleLike[]) {
        if (r.source !== 'auto' || r.state !== 'off') continue;
        const id = r.target.templateId ?? 0n;
        const fn = r.target.function ?? '';
        const scope = (r.target.instance ?? '') !== '' ? { instance: r.target.instance } : {};
        const owner = r.updatedBy !== undefined ? { owner: r.updatedBy } : {};
        if (id !== 0n && fn === '') out.push({ target: { service: r.target.service, ...scope, templateId: id }, reason: r.reason, ...owner });
        else if (id === 0n && fn !== '') out.push({ target: { service: r.target.service, ...scope, function: fn }, reason: r.reason, ...owner });
      }
      return out;
    },
  };
}

/** A manual rule's mode for a target; 'auto' means "the balancer decides". */
export type ManualMode = 'on' | 'off' | 'auto';

export interface AutoMuteOptions {
  /** The decision lapses after this long unless set again; 0 / absent = never. */
  ttlMs?: number;
}

/** Results are ignored (void or a promise of anything: only its rejection matters). */
export interface AutoMuteSink {
  setAuto(target: MuteTarget, reason: string, options?: AutoMuteOptions): unknown;
  clearAuto(target: MuteTarget): unknown;
  manualModeOf?(target: MuteTarget): ManualMode | undefined;
  /**
   * The name the plane writes this collector's rules under (PeerMute.owner;
   * collector/control/store.ts: `collector@host`, the same across restarts). With a
   * rule view (autoRuleViewOf), a restarted balancer adopts the AUTO rules of this
   * name as its own mutes (balancer.adoptRules); without, it adopts none.
   */
  readonly writerName?: string;
}

export function isAutoMuteSink(v: unknown): v is AutoMuteSink {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.setAuto === 'function' && typeof o.clearAuto === 'function';
}

/**
 * The control plane reachable from a host: `host.control` when it has setAuto /
 * clearAuto, else the first component that does (skipping `self`), else undefined.
 */
export function findAutoMuteSink(host: Host, self?: Component): AutoMuteSink | undefined {
  const control = (host as unknown as { control?: unknown }).control;
  if (isAutoMuteSink(control)) return control;
  for (const c of host.components.values()) {
    if (c !== self && isAutoMuteSink(c)) return c;
  }
  return undefined;
}

/** "checkout template 1234" / "checkout function Cart.add", for messages. */
export function describeTarget(t: MuteTarget): string {
  const who = t.instance ? `${t.service} (instance ${t.instance})` : t.service;
  return t.templateId !== undefined ? `${who} template ${t.templateId}` : `${who} function ${t.function ?? ''}`;
}
