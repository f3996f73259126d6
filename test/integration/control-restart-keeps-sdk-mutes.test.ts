/**
 * A restarted collector whose rule store has not answered yet must not unmute the
 * SDKs that reconnect to it: until its rules are loaded it sends a new stream no
 * rules at all (the SDK keeps the mutes it had), and once they are loaded every
 * stream gets them (collector/control/sdk-push.ts, store.ts `ready`).
 *
 * Real components: two in-process collectors one after the other on the same gRPC
 * port, their control plane on a real ClickHouse server (18.16 here) — the second
 * one's on a port where nothing listens for its first seconds — and
 * our SDK over the compact stream. Before the fix the second collector sent an
 * empty rule set at the Hello and the SDK logged the muted template again.
 */
import { randomBytes } from 'crypto';
import * as net from 'net';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { openClickHouse } from '../../collector/storage/clickhouse-client';
import { createLogger, defaultTemplateRegistry, templateIdOf, type Template } from '../../sdk';
import type { LogfunStreamTransport } from '../../sdk/transports/logfun-stream';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';
import { freePort } from '../kit/collector-process';

jest.setTimeout(90_000);

const serverUrl = testServerUrl('http://127.0.0.1:8123');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function templateOf(text: string): Template | undefined {
  let found: Template | undefined;
  defaultTemplateRegistry.forEachTemplate((t) => {
    if (t.text === text) found = t;
  });
  return found;
}

/** A TCP forwarder listening on `port` (so a client refused there until now gets through). */
function forward(port: number, targetPort: number, targetHost: string): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

function yaml(grpcPort: number, storeUrl: string, database: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:${grpcPort}" }
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(storeUrl)}
    database: ${database}
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", sql_api: false }
  control:
    token: control-test-token
    poll_interval: 50ms
  pipelines:
    logs: { receivers: [otlp], exporters: [clickhouse] }
`;
}

describeWithServer('control-restart-keeps-sdk-mutes.test.ts', serverUrl)('a restarted collector keeps its SDKs muted until its rules are loaded', () => {
  const database = `ctlrestart_${process.pid}_${randomBytes(3).toString('hex')}`;

  afterAll(async () => {
    const store = await openClickHouse({ endpoint: serverUrl, database });
    await store.command(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await store.close();
  });

  test('the SDK stays muted across the restart; the loaded rules are pushed once the store answers', async () => {
    const grpcPort = await freePort();
    const text = 'restart keeps mute: noisy {}';
    const first = new Collector({ yaml: yaml(grpcPort, serverUrl, database), logger: createMemoryLogger() });
    await first.start();
    const log = createLogger({
      service: 'restart-mute',
      transport: 'logfun',
      endpoint: `127.0.0.1:${grpcPort}`,
      exitHooks: false,
      batch: { delayMs: 20 },
      reconnect: { initialBackoffMs: 50, maxBackoffMs: 200 },
      diagnostics: () => undefined,
    } as Parameters<typeof createLogger>[0]);
    const transport = log.transport as LogfunStreamTransport;
    let forwarder: net.Server | undefined;
    let second: Collector | undefined;
    try {
      log.info`restart keeps mute: noisy ${0}`;
      await until('the stream and its first rules', () => transport.controlUpdates > 0);
      await first.control!.setRule({ target: { service: 'restart-mute', instance: '', function: '', templateId: templateIdOf(text) }, state: 'off', updatedBy: 'test' });
      await until('the mute in the SDK', () => templateOf(text)?.muted === true);

      await first.shutdown();
      // The second collector's rule store answers only after a few seconds: its control endpoint is a
      // port where nothing listens yet (connections refused; the plane retries in the background).
      const storePort = await freePort();
      const updatesBefore = transport.controlUpdates;
      second = new Collector({
        yaml: yaml(grpcPort, serverUrl, database).replace('  control:\n', `  control:\n    endpoint: "http://127.0.0.1:${storePort}"\n`),
        logger: createMemoryLogger(),
      });
      await second.start();
      expect(second.control!.ready).toBe(false);
      // The SDK reconnects to it and sends again (another template: the stream works).
      const exported = log.stats().exported;
      log.info`restart keeps mute: after restart ${1}`;
      let unmuted = false;
      const watch = setInterval(() => {
        if (templateOf(text)?.muted !== true) unmuted = true;
      }, 5);
      try {
        await until('a record through the second collector', () => log.stats().exported > exported);
        await sleep(1_000);
      } finally {
        clearInterval(watch);
      }
      expect(unmuted).toBe(false);
      expect(transport.controlUpdates).toBe(updatesBefore);

      // The store answers: the loaded rules reach the stream (still muted), and a change after that too.
      forwarder = await forward(storePort, Number(new URL(serverUrl).port), new URL(serverUrl).hostname);
      await until('the rules pushed once loaded', () => transport.controlUpdates > updatesBefore, 30_000);
      expect(second.control!.ready).toBe(true);
      expect(templateOf(text)?.muted).toBe(true);
      await second.control!.clearRule({ service: 'restart-mute', instance: '', function: '', templateId: templateIdOf(text) });
      await until('the unmute in the SDK', () => templateOf(text)?.muted === false);
    } finally {
      await log.shutdown();
      await second?.shutdown();
      await new Promise((r) => (forwarder ? forwarder.close(r) : r(undefined)));
    }
  });
});
