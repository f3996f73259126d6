/**
 * The admin endpoint authenticates before it reads a body, and bounds what
 * clients can make it hold (issue: bodies up to 8 MiB were buffered before the
 * token check; 20k half-open requests exhausted the descriptors the write-ahead
 * log needed). Raw sockets against a real collector's admin endpoint.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { adminCollectorYaml } from '../kit/admin-collector';

jest.setTimeout(90_000);

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-preauth-'));
let collector: Collector;
let port = 0;

beforeAll(async () => {
  collector = new Collector({
    logger: createMemoryLogger(),
    yaml: adminCollectorYaml(folder),
  });
  await collector.start();
  port = collector.admin.port;
});

afterAll(async () => {
  await collector?.shutdown();
  fs.rmSync(folder, { recursive: true, force: true });
});

/** Opens a socket, writes `head`, and resolves with what the server answered within `ms` (or '' when nothing). */
function firstAnswer(head: string, ms: number): Promise<{ answer: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    const timer = setTimeout(() => resolve({ answer, socket }), ms);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n\r\n')) {
        clearTimeout(timer);
        resolve({ answer, socket });
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      if (answer) resolve({ answer, socket });
      else reject(e);
    });
  });
}

test('an unauthenticated upload is refused before its body is read', async () => {
  // 8 MiB announced, 1 KiB sent: the answer must not wait for the rest.
  const head =
    `POST /api/v1/console/decode HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/octet-stream\r\n` +
    `Content-Length: ${8 * 1024 * 1024}\r\n\r\n` +
    'x'.repeat(1024);
  const { answer, socket } = await firstAnswer(head, 3000);
  socket.destroy();
  expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
});

test('an authenticated request announcing more than the route takes is refused at once (413)', async () => {
  const head =
    `POST /api/v1/sql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${collector.adminToken}\r\n` +
    `Content-Type: application/sql\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\nSELECT 1`;
  const { answer, socket } = await firstAnswer(head, 3000);
  socket.destroy();
  expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
});

test('half-open requests are capped and cut off; real requests are still served', async () => {
  const sockets: net.Socket[] = [];
  let closedByServer = 0;
  // Far more than the connection cap, each sending half a request line and then nothing.
  await Promise.all(
    Array.from({ length: 600 }, () =>
      new Promise<void>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n');
          resolve();
        });
        s.resume(); // read, so the server's close is seen
        s.on('close', () => closedByServer++);
        s.on('error', () => resolve());
        sockets.push(s);
      }),
    ),
  );
  // The connections beyond the cap are closed on arrival.
  await new Promise((r) => setTimeout(r, 1000));
  expect(closedByServer).toBeGreaterThanOrEqual(600 - 256);
  // One client cannot take the probes' way in: another address still gets its answer meanwhile.
  const probe = await new Promise<number>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', localAddress: '127.0.0.2', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  expect(probe).toBe(200);
  // The rest are cut off by the header timeout (10 s).
  const deadline = Date.now() + 20_000;
  while (closedByServer < 600 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  expect(closedByServer).toBe(600);
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(res.status).toBe(200);
  for (const s of sockets) s.destroy();
});
