/**
 * The traffic of `logfun demo`: a small shop whose every page of the console has
 * something to show.
 *
 *  - service "web": one access record per request with the HTTP semantic-convention
 *    attributes (method, url.path, status, duration, body size, user agent), which
 *    the collector's httpstats processor counts (HTTP statistics page);
 *  - service "checkout": the business records of each request, logged inside
 *    traced() functions (priceCart, chargeCard: the Function column and the control
 *    tree's function level), mostly INFO with some WARN and ERROR;
 *  - every request runs in its own span context, so its records carry a trace id;
 *  - the steady rate is what the banner says; every few minutes a short burst
 *    (DEMO_BURST) multiplies it, so the demo's high-traffic alert (its threshold set
 *    between the two rates by demo.ts) is raised and then recovers.
 */
import { traced, type Logger, type RootLogger } from '../../sdk';
import { enableDemoTraceContext, inNewSpan } from './demo-trace-context';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'curl/8.5.0',
];

/**
 * The demo's traffic bursts: the first starts `firstAtMs` after the shop, then one
 * every `everyMs`, each `durationMs` long at `factor` times the steady rate.
 */
export const DEMO_BURST = { firstAtMs: 90_000, everyMs: 300_000, durationMs: 30_000, factor: 4 } as const;

/** Whether `elapsedMs` after the start falls into a burst. */
export function inDemoBurst(elapsedMs: number): boolean {
  if (elapsedMs < DEMO_BURST.firstAtMs) return false;
  return (elapsedMs - DEMO_BURST.firstAtMs) % DEMO_BURST.everyMs < DEMO_BURST.durationMs;
}

/**
 * Requests the shop has made by `elapsedMs` after its start (two records each):
 * the integral of the rate (recordsPerSecond / 2 req/s, `factor` times that in a
 * burst), in whole requests, so ticks send the difference and fractional rates
 * come out exact on average (the banner's records/s is what the overview shows).
 */
export function demoRequestsDue(elapsedMs: number, recordsPerSecond: number): number {
  const steadyPerMs = recordsPerSecond / 2 / 1000;
  const b = DEMO_BURST;
  let burstMs = 0;
  if (elapsedMs > b.firstAtMs) {
    const since = elapsedMs - b.firstAtMs;
    burstMs = Math.floor(since / b.everyMs) * b.durationMs + Math.min(since % b.everyMs, b.durationMs);
  }
  return Math.floor(steadyPerMs * (elapsedMs + burstMs * (b.factor - 1)));
}

export interface DemoShop {
  /** Requests made so far. */
  readonly requests: number;
  /** Records logged so far (both services). */
  readonly records: number;
  /** Stops the traffic, flushes both loggers and unregisters the trace context. */
  stop(): Promise<void>;
}

/** Starts `recordsPerSecond` records/s (two per request; bursts aside) into the loggers, in 100 ms ticks. */
export function startDemoShop(web: RootLogger, checkout: RootLogger, recordsPerSecond: number): DemoShop {
  const disableContext = enableDemoTraceContext();
  let n = 0;
  let records = 0;

  const priceCart = traced('priceCart', (log: Logger, order: number, user: string, cents: number) => {
    if (order % 10 === 9) log.warn`cart ${order} of ${user} took ${cents / 10} ms to price`;
    else log.info`priced cart ${order} of ${user}: ${cents} cents`;
  });
  const chargeCard = traced('chargeCard', (log: Logger, order: number, user: string, cents: number): boolean => {
    if (order % 50 === 49) {
      log.error`payment for ${user} declined: card ${'visa'} expired`;
      return false;
    }
    log.info`user ${user} paid ${cents} cents for order ${order}`;
    return true;
  });

  /** One request: its business records, then its access record (status and duration from what happened). */
  const request = () =>
    inNewSpan(() => {
      const order = n++;
      const user = USERS[order % USERS.length];
      const cents = (order * 7919) % 10000;
      let method = 'GET';
      let path: string;
      let status = 200;
      if (order % 3 === 0) {
        path = `/api/cart/${order % 40}`;
        priceCart(checkout, order, user, cents);
      } else if (order % 3 === 1) {
        method = 'POST';
        path = '/api/pay';
        status = chargeCard(checkout, order, user, cents) ? 201 : 502;
      } else {
        path = order % 12 === 2 ? `/static/img/${order % 7}.png` : '/static/app.js';
        if (order % 24 === 2) status = 404;
        // Static files are the web tier's business, not checkout's.
        web.info`served ${path} to ${user}`;
      }
      const seconds = (5 + ((order * 37) % 300) + (status >= 500 ? 900 : 0)) / 1000;
      web
        .child({
          'http.request.method': method,
          'url.path': path,
          'http.response.status_code': status,
          'http.server.request.duration': seconds,
          'http.response.body.size': 200 + ((order * 131) % 5000),
          'user_agent.original': AGENTS[order % AGENTS.length],
        })
        // Literal words, so the template (Control tree, explorer) says what the record is: "request {} {} answered {}".
        .info`request ${method} ${path} answered ${status}`;
      records += 2;
    });

  const startedMs = Date.now();
  const interval = setInterval(() => {
    const due = demoRequestsDue(Date.now() - startedMs, recordsPerSecond);
    while (n < due) request();
  }, 100);

  return {
    get requests() {
      return n;
    },
    get records() {
      return records;
    },
    async stop() {
      clearInterval(interval);
      await Promise.all([web.flush(), checkout.flush()]);
      disableContext();
    },
  };
}
