/**
 * The web console in headless Chromium, against a real in-process collector
 * (OTLP/gRPC in, httpstats + template + spam processors, chDB storage, control
 * plane), with console auth on. Drives the pages a person would: overview (with
 * the balancer strategy switch, drops, suppressions), log explorer (search, XSS
 * string shown as text, paging, function / argument search, NDJSON and CSV
 * export), the control tree (toggle a template OFF, then see the rule through
 * /api/v1/rules), HTTP statistics, offline decode of an SDK file (whole and
 * damaged), and an SDK on the compact stream obeying a toggle made in the page.
 * Saves a screenshot per page to test-output/screenshots/<page>.png.
 *
 * Needs Chromium at /usr/bin/chromium (apt-get install chromium) and
 * playwright-core; the suite is skipped with a notice when either is missing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { createLogger, templateIdOf, traced } from '../../sdk';
import { describeIfBrowser as describeIfBrowserKit, launchChromium } from '../kit/chromium';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');
const TOKEN = 'console-test-token-7f3a';
const XSS = '<img src=x onerror=alert(1)>';

const describeIfBrowser = describeIfBrowserKit('console browser test');

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-console-'));

function yaml(): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  httpstats:
    interval: 1s
    lateness: 0s
    alerts: { short_window: 2s, long_window: 20s, ratio: 1000, rate_window: 2s, rate_threshold: 20 }
  template:
    state_directory: ${JSON.stringify(path.join(folder, 'templates'))}
  spam: {}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: console_test
    batch: { flush_interval: 50ms }
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", console_token: ${JSON.stringify(TOKEN)} }
  pipelines:
    logs: { receivers: [otlp], processors: [httpstats, template, spam], exporters: [clickhouse] }
`;
}

let collector: Collector;
const SPAM = 'processor:spam@logs';
const grpcPort = () => collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];

const auth = { authorization: `Bearer ${TOKEN}` };

async function apiJson<T>(p: string): Promise<T> {
  const res = await fetch(base + p, { headers: auth });
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function screenshot(name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

describeIfBrowser('web console in headless Chromium', () => {
  beforeAll(async () => {
    // The front end the collector serves (dist/console), as `npm run build` makes it.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'console', 'tsconfig.json')], { stdio: 'inherit' });
    collector = new Collector({ yaml: yaml(), logger: createMemoryLogger() });
    await collector.start();
    base = `http://127.0.0.1:${collector.admin.port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('with a console token, no page, script or API answers without it', async () => {
    const pages = ['/', '/explorer', '/control', '/httpstats', '/decode', '/assets/main.js', '/assets/httpstats.js', '/assets/decode.js'];
    const apis = ['/api/v1/console/overview', '/api/v1/console/logs', '/api/v1/console/tree', '/api/v1/console/logs/export.csv', '/api/v1/console/httpstats'];
    for (const p of [...pages, ...apis]) {
      expect([p, (await fetch(base + p)).status]).toEqual([p, 401]);
      expect([p, (await fetch(base + p, { headers: { authorization: 'Bearer wrong' } })).status]).toEqual([p, 401]);
      expect([p, (await fetch(base + p, { headers: { cookie: 'logfun_console=wrong' } })).status]).toEqual([p, 401]);
    }
    const put = await fetch(`${base}/api/v1/console/rules`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'x', state: 'off' }) });
    expect(put.status).toBe(401);
    for (const [method, p, body] of [
      ['PUT', '/api/v1/console/balancer', JSON.stringify({ strategy: 'off' })],
      ['POST', '/api/v1/console/decode', 'not a file'],
    ] as const) {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { cookie: 'logfun_console=wrong' }] as Record<string, string>[]) {
        const res = await fetch(base + p, { method, headers: { ...headers, 'content-type': method === 'PUT' ? 'application/json' : 'application/octet-stream' }, body });
        expect([method, p, res.status]).toEqual([method, p, 401]);
      }
    }
    expect(collector.component<{ strategy: string }>(SPAM).strategy).toBe('both');
    expect((await fetch(`${base}/api/v1/console/overview`, { headers: auth })).status).toBe(200);
    // The sign-in page (401) is a form, and reflects nothing from the request.
    const login = await fetch(`${base}/?token=${encodeURIComponent(XSS)}`);
    expect(login.status).toBe(401);
    const html = await login.text();
    expect(html).toContain('<form');
    expect(html).not.toContain('onerror');
    expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  test('overview: live totals, chart and per-service rates after records arrive', async () => {
    const grpcPort = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
    const log = createLogger({ service: 'checkout', endpoint: `127.0.0.1:${grpcPort}`, exitHooks: false });
    for (let i = 1; i <= 5; i++) log.info`user ${'alice'} paid ${i * 10} cents`;
    log.warn`rendered value ${XSS}`;
    log.error(XSS);
    await log.shutdown();

    // Sign in the way a person does: ?token= sets the session cookie and redirects.
    await page.goto(`${base}/?token=${TOKEN}`);
    expect(new URL(page.url()).search).toBe('');
    await page.locator('body[data-ready="/"]').waitFor();
    await page.locator('#services-table td', { hasText: 'checkout' }).first().waitFor({ timeout: 15_000 });
    await page.waitForFunction((sel) => Number((globalThis as any).document.querySelector(sel)?.textContent.replace(/,/g, '')) >= 7, '#card-received .value');
    expect(await page.locator('#card-uptime .value').textContent()).toMatch(/\d+m \d+s/);
    expect(await page.locator('canvas#throughput-chart').count()).toBe(1);
    // Totals are live; the rate shows once the next 1 s sample is taken.
    const overview = await waitFor('a sample with records/s > 0', async () => {
      const o = await apiJson<{ samples: { receivedPerSec: number }[]; totals: { received: number } }>('/api/v1/console/overview');
      return o.samples.some((s) => s.receivedPerSec > 0) ? o : undefined;
    }, 5_000);
    expect(overview.totals.received).toBeGreaterThanOrEqual(7);

    // The balancer: the active strategy is marked; a click switches the spam processor's strategy.
    await page.locator('#strategy-switch[data-strategy="both"] button.selected[data-strategy="both"]').waitFor();
    await page.click('#strategy-switch button[data-strategy="zscore"]');
    await page.locator('#strategy-switch[data-strategy="zscore"]').waitFor();
    expect(collector.component<{ strategy: string }>(SPAM).strategy).toBe('zscore');
    await page.click('#strategy-switch button[data-strategy="both"]');
    await page.locator('#strategy-switch[data-strategy="both"]').waitFor();
    expect(collector.component<{ strategy: string }>(SPAM).strategy).toBe('both');
    // An AUTO rule (as a balancer sets it) shows as an active suppression, its reason as text.
    await collector.control!.setAuto({ service: 'noisy', templateId: templateIdOf('noisy {}') }, `rate 900/s ${XSS}`, { ttlMs: 600_000 });
    await page.locator('#suppressions-table tr.suppression-row', { hasText: 'noisy' }).waitFor();
    expect(await page.locator('#suppressions-table tr.suppression-row td', { hasText: 'onerror' }).first().textContent()).toBe(`rate 900/s ${XSS}`);
    expect(await page.locator('#drops-table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#app img').count()).toBe(0);
    await screenshot('overview');
  });

  test('explorer: search renders bodies as text (no XSS), pages by cursor, exports NDJSON', async () => {
    await waitFor('7 stored rows', async () => {
      const r = await apiJson<{ rows: unknown[] }>('/api/v1/console/logs?service=checkout');
      return r.rows.length >= 7 ? true : undefined;
    });
    await page.goto(`${base}/explorer?service=checkout&text=ONERROR`);
    await page.locator('#results-body tr.log-row').first().waitFor();
    const bodies = await page.locator('#results-body td.body').allTextContents();
    expect(bodies.sort()).toEqual([XSS, `rendered value ${XSS}`].sort());
    expect(await page.locator('#results img').count()).toBe(0);
    await screenshot('explorer');

    // Severity and template filters, from the form; each action waits for its own result page.
    const seq = async () => Number(await page.locator('#results').getAttribute('data-seq'));
    const nextPage = async (action: () => Promise<void>) => {
      const before = await seq();
      await action();
      await page.locator(`#results[data-seq="${before + 1}"]`).waitFor();
      return page.locator('#results-body td.body').allTextContents();
    };
    await page.fill('#q-text', '');
    await page.selectOption('#q-severity', 'warn');
    expect((await nextPage(() => page.click('#search-button'))).sort()).toEqual([XSS, `rendered value ${XSS}`].sort());
    await page.selectOption('#q-severity', '');
    await page.fill('#q-template', templateIdOf('user {} paid {} cents').toString());
    await page.fill('#q-limit', '2');
    const seen = new Set(await nextPage(() => page.click('#search-button')));
    expect(seen.size).toBe(2);
    for (let p = 0; p < 2; p++) for (const b of await nextPage(() => page.click('#page-older'))) seen.add(b);
    expect([...seen].sort()).toEqual([10, 20, 30, 40, 50].map((n) => `user alice paid ${n} cents`).sort());
    expect(await page.locator('#page-older').isDisabled()).toBe(true);

    // Export: the same search (without the page size) as NDJSON.
    const href = await page.locator('#export-link').getAttribute('href');
    expect(href).toMatch(/^\/api\/v1\/console\/logs\/export\?/);
    const exp = await fetch(base + href!, { headers: auth });
    expect(exp.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await exp.text()).trim().split('\n').map((l) => JSON.parse(l) as { body: string });
    expect(lines.map((l) => l.body).sort()).toEqual([10, 20, 30, 40, 50].map((n) => `user alice paid ${n} cents`).sort());

    // CSV export of the same search, next to the NDJSON one.
    const csvHref = await page.locator('#export-csv-link').getAttribute('href');
    expect(csvHref).toMatch(/^\/api\/v1\/console\/logs\/export\.csv\?/);
    const csv = await fetch(base + csvHref!, { headers: auth });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(6);

    // Values are parameters, never SQL: a quote in the text matches nothing and breaks nothing.
    const injected = await apiJson<{ rows: unknown[] }>(`/api/v1/console/logs?text=${encodeURIComponent("' OR 1=1 --")}`);
    expect(injected.rows).toEqual([]);
    const bad = await fetch(`${base}/api/v1/console/logs?severity=loud`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(dialogs).toEqual([]);
  });

  test('control tree: toggling a template OFF creates the rule', async () => {
    await page.goto(`${base}/control`);
    const id = templateIdOf('user {} paid {} cents').toString();
    const node = page.locator(`li.template-node[data-template-id="${id}"]`);
    await node.waitFor();
    // The XSS template's text is shown as text too.
    await page.locator('li.template-node .text', { hasText: 'onerror' }).first().waitFor();
    expect(await page.locator('#control-tree img').count()).toBe(0);
    // Counts with their noun in the right number ("1 record", never "1 records").
    const metas = await page.locator('#control-tree .meta').allTextContents();
    expect(metas.filter((m) => /(^|[^\d,])1 records/.test(m))).toEqual([]);
    expect(metas.some((m) => /(^|[^\d,])1 record · /.test(m))).toBe(true);
    // No rule anywhere: the effective state is shown anyway (AUTO outlined, "active (no rule)").
    expect(await node.locator('.toggle').getAttribute('data-effective')).toBe('auto');
    expect(await node.locator('button.effective').getAttribute('data-state')).toBe('auto');
    expect(await node.locator('.effective-state').textContent()).toBe('active (no rule)');
    const service = page.locator('li.service-node[data-service="checkout"] > .node');
    expect(await service.locator('button.effective').getAttribute('data-state')).toBe('auto');

    await node.locator('button[data-state="off"]').click();
    await node.locator('button[data-state="off"].selected').waitFor();
    await node.locator('.effective-state.muted', { hasText: 'muted by this rule' }).waitFor();
    const rules = await apiJson<{ rules: { target: { service: string; templateId?: string }; state: string; source: string }[] }>('/api/v1/rules?service=checkout');
    expect(rules.rules).toEqual([expect.objectContaining({ target: { service: 'checkout', templateId: id }, state: 'off', source: 'manual' })]);
    await screenshot('control');

    // Clicking the selected state again hands the node back (the rule is cleared).
    await node.locator('button[data-state="off"]').click();
    await page.waitForFunction((sel) => !(globalThis as any).document.querySelector(sel), `li.template-node[data-template-id="${id}"] button.selected`);
    expect((await apiJson<{ rules: unknown[] }>('/api/v1/rules?service=checkout')).rules).toEqual([]);
    await node.locator('.effective-state', { hasText: 'active (no rule)' }).waitFor();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
  test('explorer: search by function and by argument value from the form', async () => {
    const log = createLogger({ service: 'billing', endpoint: `127.0.0.1:${grpcPort()}`, transport: 'logfun', exitHooks: false, captureCallSites: false });
    const chargeCard = traced('chargeCard', (card: string, note: string) => log.info`charge ${card} note ${note}`);
    chargeCard('card-1', XSS);
    chargeCard('card-2', 'plain');
    log.info`refund ${'card-1'}`;
    await log.shutdown();
    await waitFor('3 billing rows', async () => ((await apiJson<{ rows: unknown[] }>('/api/v1/console/logs?service=billing')).rows.length >= 3 ? true : undefined));
    await page.goto(`${base}/explorer?service=billing&function=chargeCard`);
    await page.locator('#results-body tr.log-row').first().waitFor();
    expect((await page.locator('#results-body td.body').allTextContents()).sort()).toEqual([`charge card-1 note ${XSS}`, 'charge card-2 note plain']);
    expect(await page.locator('#results-body td.function').allTextContents()).toEqual(['chargeCard', 'chargeCard']);
    const before = Number(await page.locator('#results').getAttribute('data-seq'));
    await page.fill('#q-function', '');
    await page.fill('#q-arg', 'card-1');
    await page.click('#search-button');
    await page.locator(`#results[data-seq="${before + 1}"]`).waitFor();
    expect((await page.locator('#results-body td.body').allTextContents()).sort()).toEqual([`charge card-1 note ${XSS}`, 'refund card-1']);
    expect(await page.locator('#results img').count()).toBe(0);
  });

  test('HTTP statistics page: rates, 5xx, status classes, quantiles, top paths, alert raised and recovered', async () => {
    const web = createLogger({ service: 'shop', endpoint: `127.0.0.1:${grpcPort()}`, transport: 'logfun', exitHooks: false, captureCallSites: false });
    for (let i = 0; i < 120; i++) {
      web
        .child({ 'http.request.method': 'GET', 'url.path': i % 4 === 0 ? `/static/${XSS}` : `/api/orders/${i % 5}`, 'http.response.status_code': i % 6 === 0 ? 500 : 200, 'http.server.request.duration': ((i % 50) + 1) / 1000 })
        .info`request served`;
    }
    await web.shutdown();
    await waitFor(
      'alert raised and recovered',
      async () => {
        const res = await fetch(`${base}/api/v1/console/httpstats?service=shop&from=${Date.now() - 300_000}`, { headers: auth });
        if (!res.ok) return undefined;
        const s = (await res.json()) as { totals: { hits: number }; alerts: { state: string }[] };
        return s.totals.hits === 120 && s.alerts.some((a) => a.state === 'recovery') ? true : undefined;
      },
      30_000,
    );
    await page.goto(`${base}/httpstats?service=shop&range=15m`);
    await page.locator('body[data-ready="/httpstats"]').waitFor();
    await page.locator('#hcard-hits .value', { hasText: '120' }).waitFor();
    expect(await page.locator('#hcard-5xx .value').textContent()).toBe('20');
    expect(await page.locator('#hcard-p50 .value').textContent()).toMatch(/ms$/);
    expect(await page.locator('#httpstats-status tr[data-class="5xx"] td').nth(1).textContent()).toBe('20');
    expect(await page.locator('#httpstats-sections td').allTextContents()).toEqual(['/api', '90', '/static', '30']);
    expect(await page.locator('#httpstats-paths td').first().textContent()).toBe(`/static/${XSS}`);
    expect(await page.locator('#httpstats-alerts tr.alert-row td:nth-child(2)').allTextContents()).toEqual(['recovered', 'raised']);
    expect(await page.locator('canvas#httpstats-rate-chart').count()).toBe(1);
    // Y-axis labels (kept on the canvas as data-y-labels, |-separated): nice ticks, no two alike.
    for (const id of ['httpstats-rate-chart', 'httpstats-latency-chart', 'httpstats-status-chart']) {
      const labels = ((await page.locator(`canvas#${id}`).getAttribute('data-y-labels')) ?? '').split('|');
      expect(labels.length).toBeGreaterThanOrEqual(3);
      expect(new Set(labels).size).toBe(labels.length);
    }
    expect(await page.locator('#app img').count()).toBe(0);
    await screenshot('httpstats');
  });

  test('decode page: an SDK file read as plain text; a damaged file shows what decoded before the damage', async () => {
    const file = path.join(folder, 'offline.logfun');
    const log = createLogger({ service: 'offline', transport: 'file', file: { path: file }, exitHooks: false, batch: { maxRecords: 10, delayMs: 5 } });
    for (let i = 0; i < 30; i++) log.info`offline ${i} ${XSS}`;
    await log.shutdown();
    await page.goto(`${base}/decode`);
    await page.locator('body[data-ready="/decode"]').waitFor();
    await page.setInputFiles('#decode-file', file);
    await page.click('#decode-button');
    await page.locator('#app[data-decode="done"]').waitFor();
    const lines = (await page.locator('#decode-output').textContent())!.trim().split('\n');
    expect(lines).toHaveLength(30);
    expect(lines[29]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z INFO offline offline 29 ${XSS.replace(/[()]/g, '\\$&')}$`));
    expect(await page.locator('#decode-output img').count()).toBe(0);
    expect(await page.locator('#decode-summary').textContent()).toMatch(/30 records/);
    await screenshot('decode');

    const bytes = fs.readFileSync(file);
    const damaged = path.join(folder, 'damaged.logfun');
    fs.writeFileSync(damaged, bytes.subarray(0, bytes.length - 5));
    await page.setInputFiles('#decode-file', damaged);
    await page.click('#decode-button');
    await page.locator('#app[data-decode="damaged"]').waitFor();
    expect(await page.locator('#decode-error').textContent()).toMatch(/damaged: truncated/);
    const partial = (await page.locator('#decode-output').textContent())!.trim().split('\n');
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(30);
    expect(partial).toEqual(lines.slice(0, partial.length));

    await page.setInputFiles('#decode-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just text') });
    await page.click('#decode-button');
    await page.locator('#app[data-decode="error"]').waitFor();
    const said = (await page.locator('#decode-error').textContent())!;
    expect(said).toMatch(/notes\.txt: not a logfun log file/);
    expect(said.match(/not a logfun log file/g)).toHaveLength(1);
    // The status line no longer says "decoding notes.txt…": the error replaced it.
    expect(await page.locator('#status').textContent()).toBe(said);

    // Counts in the singular: one record (a Hello frame and one export frame).
    const single = path.join(folder, 'single.logfun');
    const one = createLogger({ service: 'offline', transport: 'file', file: { path: single }, exitHooks: false });
    one.info`just one`;
    await one.shutdown();
    await page.setInputFiles('#decode-file', single);
    await page.click('#decode-button');
    await page.locator('#app[data-decode="done"]').waitFor();
    expect(await page.locator('#decode-summary').textContent()).toBe('single.logfun: 1 record in 2 frames');
    expect(await page.locator('#status').textContent()).toBe('');
    expect(dialogs).toEqual([]);
  });

  test('an SDK on the compact stream obeys a template toggled OFF and back ON in the control tree', async () => {
    const log = createLogger({ service: 'toggler', endpoint: `127.0.0.1:${grpcPort()}`, transport: 'logfun', exitHooks: false, captureCallSites: false, batch: { delayMs: 20 } });
    const id = templateIdOf('toggle tick {}').toString();
    let i = 0;
    const loop = setInterval(() => {
      for (let k = 0; k < 5; k++) log.info`toggle tick ${i++}`;
    }, 20);
    /** The newest stored record of the template (ns), 0n when none. */
    const newest = async (): Promise<bigint> => {
      const r = await apiJson<{ rows: { timeNs: string }[] }>(`/api/v1/console/logs?service=toggler&template=${id}&limit=1&from=${Date.now() - 600_000}`);
      return r.rows.length ? BigInt(r.rows[0].timeNs) : 0n;
    };
    const nsOf = (ms: number) => BigInt(ms) * 1_000_000n;
    try {
      await waitFor('stored records of the template', async () => ((await newest()) > 0n ? true : undefined));
      await page.goto(`${base}/control`);
      const node = page.locator(`li.template-node[data-template-id="${id}"]`);
      await node.waitFor();

      const mutedBefore = log.stats().muted;
      const offAt = Date.now();
      await node.locator('button[data-state="off"]').click();
      await waitFor('the SDK muting the template', async () => (log.stats().muted > mutedBefore ? true : undefined), 3_000);
      const muteMs = Date.now() - offAt;
      // Records already sent settle; after that nothing new of the template is stored while the SDK counts mutes.
      await new Promise((r) => setTimeout(r, 800));
      const settled = await newest();
      const mutedSettled = log.stats().muted;
      await new Promise((r) => setTimeout(r, 1_200));
      expect(await newest()).toBe(settled);
      expect(settled).toBeLessThan(nsOf(offAt + muteMs + 200));
      expect(log.stats().muted).toBeGreaterThan(mutedSettled + 20);
      await node.locator('button[data-state="off"].selected').waitFor();
      await screenshot('control');

      const onAt = Date.now();
      await node.locator('button[data-state="on"]').click();
      await waitFor('records stored again', async () => ((await newest()) > nsOf(onAt) ? true : undefined), 10_000);
      const resumeMs = Date.now() - onAt;
      const mutedAfter = log.stats().muted;
      await new Promise((r) => setTimeout(r, 300));
      expect(log.stats().muted).toBe(mutedAfter);
      // eslint-disable-next-line no-console
      console.log(`console toggle: OFF click -> SDK muting ${muteMs} ms; ON click -> records stored again ${resumeMs} ms`);
    } finally {
      clearInterval(loop);
      await log.shutdown();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
