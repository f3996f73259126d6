/**
 * The console's Live tail page in headless Chromium, against a real in-process
 * collector (OTLP/gRPC from our SDK, chDB storage, console auth on): records
 * stored before the page opens are replayed, records logged while it is open
 * arrive live, an XSS string shows as text, Pause/Resume continues without a gap
 * or a repeat. Saves test-output/screenshots/tail.png.
 *
 * Needs Chromium at /usr/bin/chromium and playwright-core; skipped with a notice
 * when either is missing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { createLogger, type RootLogger } from '../../sdk';
import { describeIfBrowser as describeIfBrowserKit, launchChromium } from '../kit/chromium';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');
const TOKEN = 'tail-console-token-51c2';
const XSS = '<img src=x onerror=alert(1)>';

const describeIfBrowser = describeIfBrowserKit('console tail browser test');

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-console-tail-'));

let collector: Collector;
let base: string;
let browser: Browser;
let page: Page;
let log: RootLogger;
const dialogs: string[] = [];
const pageErrors: string[] = [];

describeIfBrowser('console live tail in headless Chromium', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'console', 'tsconfig.json')], { stdio: 'inherit' });
    collector = new Collector({
      yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: tail_console
    batch: { flush_interval: 50ms }
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", console_token: ${JSON.stringify(TOKEN)} }
  pipelines:
    logs: { receivers: [otlp], exporters: [clickhouse] }
`,
      logger: createMemoryLogger(),
    });
    await collector.start();
    base = `http://127.0.0.1:${collector.admin.port}`;
    const grpcPort = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
    log = createLogger({ service: 'web', endpoint: `127.0.0.1:${grpcPort}`, exitHooks: false, batch: { delayMs: 10 } });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await log?.shutdown();
    await browser?.close();
    await collector?.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('the tail API needs the token', async () => {
    expect((await fetch(`${base}/api/v1/console/tail`)).status).toBe(401);
    expect((await fetch(`${base}/tail`)).status).toBe(401);
  });

  test('replay, then records arrive live; an XSS string is text; pause and resume lose nothing', async () => {
    for (let i = 1; i <= 3; i++) log.info`stored before ${i}`;
    await log.flush();

    await page.goto(`${base}/tail?token=${TOKEN}`);
    await page.locator('body[data-ready="/tail"]').waitFor();
    expect(await page.locator('nav a[data-page="/tail"]').count()).toBe(1);
    await page.fill('#tail-service', 'web');
    await page.click('#tail-start');
    await page.locator('#tail-state[data-state="live"]').waitFor();
    await page.locator('#tail-rows tr[data-phase="replay"]').nth(2).waitFor();

    log.warn`payload ${XSS}`;
    log.error(XSS);
    for (let i = 1; i <= 3; i++) log.info`live ${i}`;
    await log.flush();
    await page.locator('#tail-rows tr[data-phase="live"]').nth(4).waitFor();

    const bodies = await page.locator('#tail-rows td.body').allTextContents();
    expect(bodies).toEqual(['stored before 1', 'stored before 2', 'stored before 3', `payload ${XSS}`, XSS, 'live 1', 'live 2', 'live 3']);
    expect(await page.locator('#tail-table img').count()).toBe(0);
    const severities = await page.locator('#tail-rows tr td:nth-child(3)').allTextContents();
    expect(severities.slice(3, 5)).toEqual(['WARN', 'ERROR']);
    expect(await page.locator('#tail-rows tr td:nth-child(2)').first().textContent()).toBe('web');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'tail.png'), fullPage: true });

    // Pause: records logged meanwhile arrive after Resume, once each.
    await page.click('#tail-pause');
    await page.locator('#tail-state[data-state="paused"]').waitFor();
    for (let i = 1; i <= 3; i++) log.info`while paused ${i}`;
    await log.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.locator('#tail-rows tr').count()).toBe(8);
    await page.click('#tail-pause');
    await page.locator('#tail-rows tr').nth(10).waitFor();
    await new Promise((r) => setTimeout(r, 300));
    const after = await page.locator('#tail-rows td.body').allTextContents();
    expect(after.slice(8)).toEqual(['while paused 1', 'while paused 2', 'while paused 3']);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
