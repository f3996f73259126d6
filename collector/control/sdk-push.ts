/**
 * Pushes the control plane's rules down the compact streams of the SDKs
 * (logfun.v1.Ingest on the otlp receiver), so a rule set anywhere reaches the
 * SDKs with no polling on their side:
 *   - at every change of the active rules (plane.subscribe), each (service,
 *     sender scope) with an open stream (collector/pipeline/sender-scope.ts: the
 *     stream's service.instance.id, or its session) gets its flattened rules
 *     (plane.controlUpdateFor(service, scope), "most specific rule wins", see
 *     rules.ts sdkRulesFor) on its streams: the service's rules plus the rules
 *     naming that instance — so an automatic mute of one sender (the balancer
 *     scopes them so) reaches that sender only, and no SDK is sent the rules of
 *     every other instance. A scope whose flattened rules did not change is not
 *     sent anything;
 *   - a new stream gets its current rules right after its HelloAck (the ingest
 *     service's control source), also when there are none, so an SDK always knows
 *     it is under control.
 * Streams that cannot name their scope (an SdkStreams without helloScopes) get
 * their service's rules, every instance's included (each SDK keeps its own).
 * Changes arriving in one burst (a balancer muting many templates at once) are
 * pushed once, on the next turn of the event loop.
 */
import type { DiagLogger } from '../pipeline/component';
import type { SdkControlRule, SdkControlUpdate } from './rules';

/** The part of the control plane this needs (collector/control/store.ts ControlPlane). */
export interface SdkRuleSource {
  /**
   * False until the stored rules are loaded. Until then a new stream is sent no rules
   * at all (not an empty set): an SDK reconnecting to a restarted collector keeps the
   * mutes it had, instead of being unmuted until the store answers; the first
   * notification after loading sends every stream the stored rules.
   */
  readonly ready?: boolean;
  subscribe(listener: () => void): () => void;
  controlUpdateFor(service: string, instance?: string, local?: boolean): SdkControlUpdate;
}

/** One (service, sender scope) with open streams; `local`: the scope is not the SDK's claimed instance id. */
export interface SdkScope {
  service: string;
  instance: string;
  local: boolean;
}

/** The part of the ingest service this needs (collector/receivers/otlp/logfun-ingest.ts LogfunIngestService). */
export interface SdkStreams {
  setControl(update: SdkControlUpdate, selector: { service?: string; instance?: string }): number;
  helloServices(): Set<string>;
  /** The scopes of the open streams; without it, updates go per service. */
  helloScopes?(): SdkScope[];
  setControlSource(source: ((service: string, instance?: string, local?: boolean) => SdkControlUpdate | undefined) | undefined): void;
}

/** Bound on the per-service fingerprints kept (services that left are forgotten past it). */
const MAX_REMEMBERED_SERVICES = 10_000;

/** Rules of one update as comparable text (the update's own version moves with every change of any service). */
function fingerprintOf(rules: readonly SdkControlRule[]): string {
  let out = '';
  for (const r of rules) {
    const t = r.target;
    out += `${t.service}\u0000${t.serviceInstance}\u0000${t.function}\u0000${t.templateId}\u0000${r.state}\u0000${r.sampleRate}\u0000${r.minSeverity}\u0000${r.version}\n`;
  }
  return out;
}

/**
 * Connects `plane` to the SDK streams of `streams`; returns the function that
 * disconnects them (call it at shutdown; safe twice).
 */
export function pushControlToSdks(plane: SdkRuleSource, streams: SdkStreams, logger?: DiagLogger): () => void {
  /** What each service's streams were last sent (by fingerprint). */
  const sent = new Map<string, string>();
  let pending: NodeJS.Immediate | undefined;
  let stopped = false;

  const scopes = (): SdkScope[] | undefined => streams.helloScopes?.();
  const keyOf = (service: string, instance: string | undefined): string => (instance === undefined ? service : `${service}\u0000${instance}`);
  const remember = (key: string, fingerprint: string): void => {
    if (!sent.has(key) && sent.size >= MAX_REMEMBERED_SERVICES) sent.clear();
    sent.set(key, fingerprint);
  };

  const pushOne = (service: string, scope: SdkScope | undefined): void => {
    try {
      const update = scope === undefined ? plane.controlUpdateFor(service) : plane.controlUpdateFor(service, scope.instance, scope.local);
      const fingerprint = fingerprintOf(update.rules);
      const key = keyOf(service, scope?.instance);
      if (sent.get(key) === fingerprint) return;
      streams.setControl(update, scope === undefined ? { service } : { service, instance: scope.instance });
      remember(key, fingerprint);
    } catch (err) {
      logger?.error('control rules could not be pushed to the SDKs of a service', { service, error: err instanceof Error ? err.message : String(err) });
    }
  };

  const pushAll = (): void => {
    pending = undefined;
    if (stopped) return;
    const open = scopes();
    if (open === undefined) {
      for (const service of streams.helloServices()) pushOne(service, undefined);
    } else {
      for (const scope of open) pushOne(scope.service, scope);
    }
  };

  streams.setControlSource((service, instance, local) => {
    if (plane.ready === false) return undefined;
    const scoped = instance !== undefined && streams.helloScopes !== undefined;
    const update = scoped ? plane.controlUpdateFor(service, instance, local === true) : plane.controlUpdateFor(service);
    // With no push pending, the scope's other streams (if any) have these rules already: remember them as
    // sent, so the next change of another scope's rules sends this one nothing. With a push pending, that
    // push brings the others up to date (and sends this stream the same rules again, harmlessly).
    if (pending === undefined) remember(keyOf(service, scoped ? instance : undefined), fingerprintOf(update.rules));
    return update;
  });
  const unsubscribe = plane.subscribe(() => {
    if (stopped || pending !== undefined) return;
    pending = setImmediate(pushAll);
  });

  return () => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    if (pending !== undefined) clearImmediate(pending);
    pending = undefined;
    streams.setControlSource(undefined);
  };
}
