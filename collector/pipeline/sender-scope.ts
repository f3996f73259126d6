/**
 * The sender scope of a record: which sender produced it, as far as the collector
 * can tell, so that decisions that hurt (automatic mutes) and the drops credited to
 * them stay with the sender that caused them. A client's service.name is a claim:
 * any ingest client can say it is `auth`; scoping by sender means a client claiming
 * `auth` mutes, at worst, itself.
 *
 * Values:
 *   - the resource's service.instance.id when it has one (our SDK always sends one:
 *     random per process unless configured). Still a claim, but one an impostor
 *     has to guess: another instance of the same service is never affected;
 *   - `session:<hex>` for a compact stream with no instance id: the Hello's
 *     session_id (random per SDK logger pipeline, kept across reconnects, so a
 *     mute survives a reconnect);
 *   - `stream:<id>` for a compact stream with neither (one per stream);
 *   - '' for records whose sender is unknown (OTLP without service.instance.id):
 *     they share one scope per service, as before.
 * The compact receiver sets ResourceInfo.senderScope for its stream (it knows the
 * session); everywhere else the scope is read from the resource's attributes.
 * The prefixes cannot collide with a claimed instance id of the same text in a
 * harmful way: a client claiming `session:<hex>` of another stream has to know its
 * random session id.
 */
import type { ResourceInfo } from './batch';

export const SESSION_SCOPE_PREFIX = 'session:';
export const STREAM_SCOPE_PREFIX = 'stream:';

/** The scope of a compact stream's sender (see the module comment). */
export function streamSenderScope(instanceId: string, sessionIdHex: string, streamId: string): string {
  if (instanceId !== '') return instanceId;
  if (sessionIdHex !== '') return `${SESSION_SCOPE_PREFIX}${sessionIdHex}`;
  return `${STREAM_SCOPE_PREFIX}${streamId}`;
}

/** The sender scope of a resource: the receiver's senderScope, else service.instance.id (string), else ''. */
export function senderScopeOf(resource: ResourceInfo): string {
  if (resource.senderScope !== undefined) return resource.senderScope;
  for (const kv of resource.attributes) {
    if (kv.key === 'service.instance.id') return typeof kv.value === 'string' ? kv.value : '';
  }
  return '';
}
