/**
 * What a newcomer saw wrong on the console pages (screenshots of `npm start`),
 * checked in headless Chromium at the 1400 px they used, against a real
 * in-process collector whose token it made itself (kept in a token file):
 *
 *  - the sign-in page says where that token is and that the sign-in link was
 *    printed at start; a wrong ?token= says it was not accepted;
 *  - the overview's Services headers sit over their columns (numbers right-aligned);
 *  - the live tail's Time column fits its text, rows of two services in time order;
 *  - the explorer shows times in 24-hour UTC only, its form on one line;
 *  - the HTTP statistics Requests/s card names the span it averages over.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { createLogger } from '../../sdk';
import { describeIfBrowser as describeIfBrowserKit, launchChromium } from '../kit/chromium';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
const describeIfBrowser = describeIfBrowserKit('console newcomer browser test');
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-newcomer-'));
const tokenFile = path.join(folder, 'admin-token');

function yaml(): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  httpstats: { interval: 1s, lateness: 0s }
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: newcomer_test
    batch: { flush_interval: 50ms }
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", console_token_file: ${JSON.stringify(tokenFile)} }
  pipelines:
    logs: { receivers: [otlp], processors: [httpstats], exporters: [clickhouse] }
`;
}

let collector: Collector;
let base: string;
let browser: Browser;
let page: Page;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeIfBrowser('console pages as a newcomer saw them (1400 px)', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'console', 'tsconfig.json')], { stdio: 'inherit' });
    collector = new Collector({ yaml: yaml(), logger: createMemoryLogger() });
    await collector.start();
    base = `http://127.0.0.1:${collector.admin.port}`;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    // Two services, their batches sent one after the other: checkout's records are older than web's last ones.
    const port = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
    const web = createLogger({ service: 'web', endpoint: `127.0.0.1:${port}`, exitHooks: false, captureCallSites: false });
    const checkout = createLogger({ service: 'checkout', endpoint: `127.0.0.1:${port}`, exitHooks: false, captureCallSites: false });
    for (let i = 0; i < 20; i++) {
      web.child({ 'http.request.method': 'GET', 'url.path': `/p/${i % 3}`, 'http.response.status_code': 200 }).info`request ${'GET'} ${`/p/${i % 3}`} answered ${200}`;
      checkout.info`priced cart ${i}`;
      await new Promise((r) => setTimeout(r, 5));
    }
    await web.flush();
    await checkout.flush();
    await web.shutdown();
    await checkout.shutdown();
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('sign-in page: where the made token is, that the link was printed; a wrong token is said to be wrong', async () => {
    await page.goto(`${base}/`);
    const text = (await page.locator('main.login').textContent()) ?? '';
    expect(text).toContain(tokenFile);
    expect(text).toMatch(/sign-in link .* printed/);
    expect(text).not.toMatch(/not accepted/);
    await page.goto(`${base}/?token=wrong-token`);
    expect(await page.locator('main.login .login-error').textContent()).toMatch(/That token was not accepted/);
  });

  test('overview: every Services header is aligned like its column', async () => {
    await page.goto(`${base}/?token=${collector.adminToken}`);
    await page.locator('#services-table td', { hasText: 'checkout' }).first().waitFor({ timeout: 15_000 });
    const aligns = await page.evaluate(() => {
      const d = (globalThis as any).document;
      const heads = [...d.querySelectorAll('#services-table th')].map((th: any) => (globalThis as any).getComputedStyle(th).textAlign);
      const cells = [...d.querySelector('#services-table tbody tr').querySelectorAll('td')].map((td: any) => (globalThis as any).getComputedStyle(td).textAlign);
      return { heads, cells };
    });
    expect(aligns.heads).toEqual(aligns.cells);
    expect(aligns.cells.slice(1)).toEqual(['right', 'right', 'right']);
  });

  test('live tail: the Time column shows its whole text, rows in time order across services', async () => {
    await page.goto(`${base}/tail?since=10m`);
    await waitFor('40 tail rows', async () => ((await page.locator('#tail-table tr.tail-row').count()) >= 40 ? true : undefined));
    const cells = await page.evaluate(() =>
      [...(globalThis as any).document.querySelectorAll('#tail-table tr.tail-row td.time')].map((td: any) => ({ text: td.textContent, fits: td.scrollWidth <= td.clientWidth, full: td.title })),
    );
    for (const c of cells) expect(c).toEqual({ text: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/), fits: true, full: expect.stringMatching(/Z$/) });
    const times = cells.map((c) => c.full);
    expect(times).toEqual([...times].sort());
  });

  test('explorer: times in 24-hour UTC only, the search form on one line', async () => {
    await page.goto(`${base}/explorer`);
    await page.locator('#results-body tr.log-row').first().waitFor();
    const info = (await page.locator('#page-info').textContent()) ?? '';
    expect(info).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} – .*\d{2}:\d{2}:\d{2} UTC$/);
    expect(info).not.toMatch(/AM|PM/);
    const boxes = await Promise.all(['#q-service', '#q-severity', '#q-template', '#q-function', '#q-arg', '#q-text', '#q-from', '#q-to', '#q-limit', '#search-button'].map(async (s) => (await page.locator(s).boundingBox())!));
    // One line: each field right of the one before (a wrapped field starts again at the left).
    const xs = boxes.map((b) => b.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(boxes[boxes.length - 1].x + boxes[boxes.length - 1].width).toBeLessThanOrEqual(1400);
    expect(await page.locator('label', { has: page.locator('#q-to') }).textContent()).toBe('To (UTC)');
  });

  test('HTTP statistics: the Requests/s card averages over the span with data and says so', async () => {
    await waitFor('httpstats rows', async () => {
      const res = await fetch(`${base}/api/v1/console/httpstats?from=${Date.now() - 600_000}`, { headers: { authorization: `Bearer ${collector.adminToken}` } });
      return res.ok && ((await res.json()) as { totals: { hits: number } }).totals.hits === 20 ? true : undefined;
    });
    await page.goto(`${base}/httpstats?range=1h`);
    await page.locator('#hcard-hits .value', { hasText: '20' }).waitFor();
    expect(await page.locator('#hcard-rate .label').textContent()).toMatch(/^Requests\/s \(avg of \d+ s with data\)$/);
    expect(await page.locator('#httpstats-info').textContent()).toMatch(/UTC/);
  });
});
