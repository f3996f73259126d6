/**
 * Another web page cannot drive the admin endpoint (issue: any web page could
 * drive the admin API while `npm start` ran). Headless Chromium, a collector with
 * the default admin auth (a made token), and a person signed in to the console:
 *   - an attacker page on another port of the same host (same-site, so even a
 *     SameSite=Strict cookie goes along) posts SQL with a text/plain form and a
 *     no-cors fetch: neither reaches the SQL handler;
 *   - a DNS-rebinding page (a name of the attacker's that now resolves to
 *     127.0.0.1, simulated with Chromium's host resolver rules) reads the API
 *     same-origin: refused by the Host check, no data;
 * while the signed-in console itself keeps working.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import type { Browser } from 'playwright-core';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { describeIfBrowser as describeIfBrowserKit, launchChromium } from '../kit/chromium';
import { adminCollectorYaml } from '../kit/admin-collector';

jest.setTimeout(90_000);

const describeIfBrowser = describeIfBrowserKit('admin cross-site test');

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-cross-site-'));

describeIfBrowser('cross-site and rebinding requests in Chromium', () => {
  let collector: Collector;
  let adminPort = 0;
  let evil: http.Server;
  let evilPort = 0;
  let browser: Browser;
  let sqlCalls = 0;

  beforeAll(async () => {
    collector = new Collector({
      logger: createMemoryLogger(),
      yaml: adminCollectorYaml(folder),
    });
    await collector.start();
    adminPort = collector.admin.port;
    // Observe (not replace) the SQL handler: any call means a request got through.
    const admin = collector.admin as unknown as { sqlHandler: (...args: unknown[]) => unknown };
    const real = admin.sqlHandler;
    admin.sqlHandler = (...args: unknown[]) => {
      sqlCalls++;
      return real(...args);
    };

    const target = `http://localhost:${adminPort}`;
    const attack = `<!doctype html><html><body>
<form id="f" method="POST" action="${target}/api/v1/sql" enctype="text/plain" target="sink">
  <input name="SELECT 1 AS a, '" value="' AS b">
</form>
<iframe name="sink"></iframe>
<script>
  document.getElementById('f').submit();
  fetch('${target}/api/v1/sql', { method: 'POST', mode: 'no-cors', credentials: 'include', body: 'SELECT 2' })
    .then(() => { document.title = 'sent'; }, () => { document.title = 'sent'; });
</script></body></html>`;
    evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(attack);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    evilPort = (evil.address() as AddressInfo).port;

    // The rebinding attacker's name, now resolving to loopback.
    browser = await launchChromium(['--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1']);
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.shutdown();
    await new Promise<void>((r) => (evil ? evil.close(() => r()) : r()));
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('a page on another port of the same host cannot run SQL, even with the console signed in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The person signs in: the session cookie is now set for localhost.
    const signIn = await page.goto(`http://localhost:${adminPort}/?token=${encodeURIComponent(collector.adminToken ?? '')}`);
    expect(signIn?.status()).toBe(200);
    const own = await page.evaluate(async () => (await fetch('/api/v1/console/overview')).status);
    expect(own).toBe(200);

    const attacker = await context.newPage();
    await attacker.goto(`http://localhost:${evilPort}/`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await attacker.waitForFunction(() => (globalThis as any).document.title === 'sent', undefined, { timeout: 10_000 });
    await attacker.waitForTimeout(1500);
    expect(sqlCalls).toBe(0);
    await context.close();
  });

  test('a DNS-rebinding page gets nothing from the API', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The attacker's name now points at the collector: the page's origin is the attacker's name.
    await page.goto(`http://rebind.attacker.test:${adminPort}/healthz`).catch(() => undefined);
    const got = await page.evaluate(async () => {
      const out: { path: string; status: number; body: string }[] = [];
      for (const p of ['/api/v1/console/overview', '/api/v1/console/logs', '/metrics']) {
        try {
          const r = await fetch(p);
          out.push({ path: p, status: r.status, body: (await r.text()).slice(0, 200) });
        } catch (e) {
          out.push({ path: p, status: 0, body: String(e) });
        }
      }
      const sql = await fetch('/api/v1/sql', { method: 'POST', headers: { 'content-type': 'application/sql' }, body: 'SELECT 3' });
      out.push({ path: '/api/v1/sql', status: sql.status, body: (await sql.text()).slice(0, 200) });
      return out;
    });
    for (const g of got) {
      expect({ path: g.path, status: g.status }).toEqual({ path: g.path, status: 403 });
      expect(g.body).not.toMatch(/"rows"|"totals"|logfun_/);
    }
    expect(sqlCalls).toBe(0);
    await context.close();
  });
});
