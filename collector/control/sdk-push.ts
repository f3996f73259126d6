/**
 * Pushes the control plane's rules down the compact streams of the SDKs
 * (logfun.v1.Ingest on the otlp receiver), so a rule set anywhere reaches the
 * SDKs with no polling on their side:
 *   - at every change of the active rules (plane.subscribe), each service with an
 *     open stream gets its flattened rules (plane.controlUpdateFor(service),
 *     "most specific rule wins", see rules.ts sdkRulesFor) on all its streams;
 *     a service whose flattened rules did not change is not sent anything;
 *   - a new stream gets its service's current rules right after its HelloAck
 *     (the ingest service's control source), also when there are none, so an SDK
 *     always knows it is under control.
 * Changes arriving in one burst (a balancer muting many templates at once) are
 * pushed once, on the next turn of the event loop.
 */
import type { DiagLogger } from '../pipeline/component';
import type { SdkControlRule, SdkControlUpdate } from './rules';

/** The part of the control plane this needs (collector/control/store.ts ControlPlane). */
export interface SdkRuleSource {
  subscribe(listener: () => void): () => void;
  controlUpdateFor(service: string): SdkControlUpdate;
}

/** The part of the ingest service this needs (collector/receivers/otlp/logfun-ingest.ts LogfunIngestService). */
export interface SdkStreams {
  setControl(update: SdkControlUpdate, selector: { service?: string }): number;
  helloServices(): Set<string>;
  setControlSource(source: ((service: string) => SdkControlUpdate | undefined) | undefined): void;
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

  const pushAll = (): void => {
    pending = undefined;
    if (stopped) return;
    for (const service of streams.helloServices()) {
      try {
        const update = plane.controlUpdateFor(service);
        const fingerprint = fingerprintOf(update.rules);
        if (sent.get(service) === fingerprint) continue;
        streams.setControl(update, { service });
        if (!sent.has(service) && sent.size >= MAX_REMEMBERED_SERVICES) sent.clear();
        sent.set(service, fingerprint);
      } catch (err) {
        logger?.error('control rules could not be pushed to the SDKs of a service', { service, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };

  streams.setControlSource((service) => {
    const update = plane.controlUpdateFor(service);
    // With no push pending, the service's other streams (if any) have these rules already: remember them as
    // sent, so the next change of another service's rules sends this one nothing. With a push pending, that
    // push brings the others up to date (and sends this stream the same rules again, harmlessly).
    if (pending === undefined) {
      if (!sent.has(service) && sent.size >= MAX_REMEMBERED_SERVICES) sent.clear();
      sent.set(service, fingerprintOf(update.rules));
    }
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
