/**
 * `logfun demo` fills every console page (issue 13, item 7): run in process on
 * the default config (ports made ephemeral, folders temporary, a known console
 * token) for a few seconds, and read through the admin API while it runs:
 * HTTP statistics for the "web" service, checkout records in traced() functions
 * (the Function column / control tree's function level) and with trace ids.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import YAML from 'yaml';
import { DEFAULT_CONFIG_YAML } from '../../collector/config/default';
import { demoConfigYaml, runDemo } from '../../collector/cli/demo';
import type { Collector } from '../../collector/service/collector';

jest.setTimeout(90_000);

const TOKEN = 'demo-pages-token-3f9d';
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-demo-pages-'));

/** The default config on ephemeral loopback ports, in a temporary folder, with a console token and a 2 s httpstats interval (so the test needs not wait for 10 s intervals). */
function baseYaml(): string {
  const doc = YAML.parse(DEFAULT_CONFIG_YAML.replace(/\.\/\.logfun/g, folder).replace(/127\.0\.0\.1:(4317|4318|13133)/g, '127.0.0.1:0'));
  doc.service.telemetry.admin.console_token = TOKEN;
  doc.processors.httpstats = { interval: '2s', lateness: '0s' };
  return YAML.stringify(doc);
}

afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

test('the demo config adds httpstats to the default pipeline, first', () => {
  const doc = YAML.parse(demoConfigYaml());
  expect(doc.service.pipelines.logs.processors).toEqual(['httpstats', 'template', 'spam', 'control']);
  expect('httpstats' in doc.processors).toBe(true);
  // The high-traffic threshold is above the steady 25 req/s of 50 records/s (the bursts exceed it; test/unit/demo-traffic.test.ts).
  expect(doc.processors.httpstats.alerts.rate_threshold).toBeGreaterThan(25);
});

test('a few seconds of demo: HTTP statistics, traced() functions and trace ids are there', async () => {
  let collector: Collector | undefined;
  const demo = runDemo({ durationSeconds: 8, ratePerSecond: 100, baseYaml: baseYaml(), onStarted: (c) => (collector = c) });
  while (!collector) await new Promise((r) => setTimeout(r, 50));
  const base = `http://127.0.0.1:${collector.admin.port}`;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const sql = async (q: string) => {
    const res = await fetch(`${base}/api/v1/sql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/sql' }, body: q });
    if (!res.ok) throw new Error(`${q}: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { rows: Record<string, string | number>[] }).rows;
  };
  const seen = { hits: 0, status5xx: 0, functions: [] as string[], traced: 0, services: [] as string[] };
  const deadline = Date.now() + 7_000;
  for (;;) {
    const stats = await fetch(`${base}/api/v1/console/httpstats?service=web&from=${Date.now() - 600_000}`, { headers: auth });
    if (stats.ok) {
      const s = (await stats.json()) as { totals: { hits: number; status: { '5xx': number } } };
      seen.hits = s.totals.hits;
      seen.status5xx = s.totals.status['5xx'];
    }
    seen.functions = (await sql("SELECT DISTINCT LogAttributes['code.function'] AS fn FROM otel.otel_logs WHERE ServiceName = 'checkout' AND fn != '' ORDER BY fn")).map((r) => String(r.fn));
    seen.traced = Number((await sql("SELECT count() AS n FROM otel.otel_logs WHERE TraceId != '' AND SpanId != ''"))[0].n);
    seen.services = (await sql('SELECT DISTINCT ServiceName AS s FROM otel.otel_logs ORDER BY s')).map((r) => String(r.s));
    if ((seen.hits > 0 && seen.status5xx > 0 && seen.functions.length === 2 && seen.traced > 0) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const servedBy = (await sql("SELECT DISTINCT ServiceName AS s FROM otel.otel_logs WHERE Body LIKE 'served /static/%'")).map((r) => String(r.s));
  const accessBodies = (await sql("SELECT Body AS b FROM otel.otel_logs WHERE ServiceName = 'web' AND LogAttributes['url.path'] != '' LIMIT 3")).map((r) => String(r.b));
  const tree = (await (await fetch(`${base}/api/v1/console/tree`, { headers: auth })).json()) as { services: { name: string; functions: { name: string }[] }[] };
  console.log(`demo after ${Math.round((Date.now() - deadline + 7_000) / 100) / 10} s: ${JSON.stringify(seen)}`);
  await demo;
  expect(seen.services).toEqual(['checkout', 'web']);
  expect(seen.hits).toBeGreaterThan(0);
  // Static files are served by web, and its access records say what they are in literal words (the template is not "{} {} {}").
  expect(servedBy).toEqual(['web']);
  expect(accessBodies.length).toBeGreaterThan(0);
  for (const b of accessBodies) expect(b).toMatch(/^request (GET|POST) \/\S+ answered \d{3}$/);
  expect(seen.status5xx).toBeGreaterThan(0);
  expect(seen.functions).toEqual(['chargeCard', 'priceCart']);
  expect(seen.traced).toBeGreaterThan(0);
  expect(tree.services.find((s) => s.name === 'checkout')?.functions.map((f) => f.name)).toEqual(expect.arrayContaining(['chargeCard', 'priceCart']));
});
