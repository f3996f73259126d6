/**
 * Measuring how fast a rule reaches the SDKs: from `PUT /api/v1/rules` on the
 * admin API to the SDK obeying it (a predicate on SDK state, e.g. a template's
 * `muted`), checked at every control update an SDK stream applies and every 2 ms.
 * Shared by test/integration/control-sdk-push.test.ts and bench/control-latency.ts.
 */
import { performance } from 'perf_hooks';

/** What is needed of an SDK stream transport (sdk/transports/logfun-stream.ts LogfunStreamTransport). */
export interface ControlListenable {
  onControl(listener: () => void): () => void;
}

/**
 * Resolves with performance.now() at the moment `predicate` holds; checked at once,
 * at every control update of `transports` and every 2 ms. Rejects after `timeoutMs`.
 */
export function untilObeyed(predicate: () => boolean, transports: readonly ControlListenable[], timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(timer);
      for (const off of offs) off();
      if (err) reject(err);
      else resolve(performance.now());
    };
    const check = () => {
      if (predicate()) finish();
    };
    const poll = setInterval(check, 2);
    const timer = setTimeout(() => finish(new Error(`condition not met within ${timeoutMs} ms`)), timeoutMs);
    for (const t of transports) offs.push(t.onControl(check));
    check();
  });
}

/** PUT /api/v1/rules with a JSON body; throws unless the answer is 200. */
export async function putRule(adminUrl: string, body: unknown, token?: string): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${adminUrl}/api/v1/rules`, { method: 'PUT', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`PUT /api/v1/rules answered ${res.status}: ${text.slice(0, 200)}`);
}

/** The p-quantile (0 < p <= 1) of `xs` by the nearest-rank method. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

export interface ToggleTiming {
  /** PUT sent -> the SDK obeys. */
  latency: number;
  /** The PUT's own round trip (the rule stored, the answer back): a part of latency. */
  put: number;
  /** latency - put (at least 0): the push down the streams and its application after the API answered. */
  afterPut: number;
}

/**
 * One toggle: sends the PUT and waits until `obeyed` holds. The predicate is armed
 * before the PUT, so a push that overtakes the PUT's answer is seen.
 */
export async function timeToggle(adminUrl: string, rule: unknown, obeyed: () => boolean, transports: readonly ControlListenable[], timeoutMs = 5_000, token?: string): Promise<ToggleTiming> {
  const started = performance.now();
  const applied = untilObeyed(obeyed, transports, timeoutMs);
  try {
    await putRule(adminUrl, rule, token);
  } catch (err) {
    applied.catch(() => undefined);
    throw err;
  }
  const put = performance.now() - started;
  const latency = (await applied) - started;
  return { latency, put, afterPut: Math.max(0, latency - put) };
}
