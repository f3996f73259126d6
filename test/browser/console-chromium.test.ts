/**
 * The web console in headless Chromium, against a real in-process collector
 * (OTLP/gRPC in, template processor, chDB storage, control plane), with console
 * auth on. Drives the pages a person would: overview, log explorer (search, XSS
 * string shown as text, paging, export) and the control tree (toggle a template
 * OFF, then see the rule through /api/v1/rules). Saves a screenshot per page to
 * test-output/screenshots/.
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
import { createLogger, templateIdOf } from '../../sdk';

jest.setTimeout(60_000);

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');
const TOKEN = 'console-test-token-7f3a';
const XSS = '<img src=x onerror=alert(1)>';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const playwright = (() => {
  try {
    return require('playwright-core') as typeof import('playwright-core');
  } catch {
    return undefined;
  }
})();
const runnable = playwright !== undefined && fs.existsSync(CHROMIUM);
const describeIfBrowser = runnable ? describe : describe.skip;
if (!runnable) console.warn('console browser test skipped: needs playwright-core and /usr/bin/chromium');

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-console-'));

function yaml(): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  template:
    state_directory: ${JSON.stringify(path.join(folder, 'templates'))}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: console_test
    batch: { flush_interval: 50ms }
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", console_token: ${JSON.stringify(TOKEN)} }
  pipelines:
    logs: { receivers: [otlp], processors: [template], exporters: [clickhouse] }
`;
}

let collector: Collector;
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
  await page.screenshot({ path: path.join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
}

describeIfBrowser('web console in headless Chromium', () => {
  beforeAll(async () => {
    // The front end the collector serves (dist/console), as `npm run build` makes it.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'console', 'tsconfig.json')], { stdio: 'inherit' });
    collector = new Collector({ yaml: yaml(), logger: createMemoryLogger() });
    await collector.start();
    base = `http://127.0.0.1:${collector.admin.port}`;
    browser = await playwright!.chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
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
    for (const p of ['/', '/explorer', '/control', '/assets/main.js', '/api/v1/console/overview', '/api/v1/console/logs', '/api/v1/console/tree']) {
      expect([p, (await fetch(base + p)).status]).toEqual([p, 401]);
      expect([p, (await fetch(base + p, { headers: { authorization: 'Bearer wrong' } })).status]).toEqual([p, 401]);
      expect([p, (await fetch(base + p, { headers: { cookie: 'logfun_console=wrong' } })).status]).toEqual([p, 401]);
    }
    const put = await fetch(`${base}/api/v1/console/rules`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'x', state: 'off' }) });
    expect(put.status).toBe(401);
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
    const overview = await apiJson<{ samples: { receivedPerSec: number }[]; totals: { received: number } }>('/api/v1/console/overview');
    expect(overview.totals.received).toBeGreaterThanOrEqual(7);
    expect(overview.samples.some((s) => s.receivedPerSec > 0)).toBe(true);
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

    await node.locator('button[data-state="off"]').click();
    await node.locator('button[data-state="off"].selected').waitFor();
    const rules = await apiJson<{ rules: { target: { service: string; templateId?: string }; state: string; source: string }[] }>('/api/v1/rules?service=checkout');
    expect(rules.rules).toEqual([expect.objectContaining({ target: { service: 'checkout', templateId: id }, state: 'off', source: 'manual' })]);
    await screenshot('control');

    // Clicking the selected state again hands the node back (the rule is cleared).
    await node.locator('button[data-state="off"]').click();
    await page.waitForFunction((sel) => !(globalThis as any).document.querySelector(sel), `li.template-node[data-template-id="${id}"] button.selected`);
    expect((await apiJson<{ rules: unknown[] }>('/api/v1/rules?service=checkout')).rules).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
