/**
 * The otlp receiver's bearer-token check, one per protocol (each protocol may
 * have its own `auth`). Requests without the token never reach a decoder.
 *
 * Metric (labels receiver, protocol, reason="auth"):
 *   logfun_receiver_refused_requests_total   requests (OTLP Export calls, compact
 *       streams, OTLP/HTTP posts) refused before decoding
 */
import type { CreateSettings, DiagLogger } from '../../pipeline/component';
import type { Counter } from '../../telemetry/metrics';
import { bearerTokenOf, resolveBearerToken, tokensMatch, type BearerAuthConfig } from '../../security/bearer-auth';
import type { Protocol } from './ingest';

/** How often refused requests are logged (the counter sees every one). */
const LOG_INTERVAL_MS = 10_000;

export class ReceiverAuth {
  private readonly refused: Counter;
  private readonly logger: DiagLogger;
  private readonly id: string;
  private lastLogged = 0;

  private constructor(
    settings: CreateSettings,
    private readonly protocol: Protocol,
    private readonly token: string,
  ) {
    this.id = settings.id;
    this.logger = settings.logger;
    this.refused = settings.metrics.counter('logfun_receiver_refused_requests_total', 'Requests refused before decoding, by protocol and reason (auth)');
  }

  /** The check for a protocol's `auth` config; undefined when the protocol has none. Reads a token file now. */
  static of(settings: CreateSettings, protocol: Protocol, config: BearerAuthConfig | null | undefined): ReceiverAuth | undefined {
    if (!config) return undefined;
    return new ReceiverAuth(settings, protocol, resolveBearerToken(config, `protocols.${protocol}.auth`));
  }

  /**
   * Checks an authorization value (`Bearer <token>`). On failure counts and
   * (rate-limited) logs it and returns the message to send back.
   */
  check(authorization: string | undefined, peer: string | undefined): string | undefined {
    const given = bearerTokenOf(authorization);
    if (tokensMatch(given, this.token)) return undefined;
    const why = given === undefined ? 'missing bearer token' : 'invalid bearer token';
    this.refused.inc({ receiver: this.id, protocol: this.protocol, reason: 'auth' });
    const now = Date.now();
    if (now - this.lastLogged >= LOG_INTERVAL_MS) {
      this.lastLogged = now;
      this.logger.warn('otlp receiver: request refused', { receiver: this.id, protocol: this.protocol, reason: why, peer: peer ?? 'unknown' });
    }
    return `${why} (send "authorization: Bearer <token>")`;
  }
}
