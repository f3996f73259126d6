/**
 * A client that opens OTLP Export calls and sends all but the last byte of each
 * request message: grpc-js holds a message's bytes until it is whole, so such calls
 * held up to max_recv_msg_size each for as long as the client kept them open
 * (64 calls of 4 MiB: 259 MB, outside max_in_flight_bytes). With
 * protocols.grpc.read_timeout the call ends with DEADLINE_EXCEEDED (counted as
 * refused, reason timeout) and its stream is reset, which lets go of those bytes;
 * a whole Export on the same connection is served as before.
 */
import * as http2 from 'http2';
import * as grpc from '@grpc/grpc-js';
import { otlpReceiverFactory } from '../../collector/receivers/otlp/factory';
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { encodeExportRequest } from '../../collector/otlp/convert';
import { LOGS_SERVICE_EXPORT_PATH } from '../../protocol/protos';
import { startReceiver } from '../kit/otlp-fixtures';

jest.setTimeout(30_000);

/** The gRPC frame of an Export request with one record. */
function exportFrame(): Buffer {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'slow' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_000n, body: 'whole' });
  const message = Buffer.from(encodeExportRequest(b.batch));
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** What a raw HTTP/2 Export call got: its grpc-status (headers or trailers), or how its stream ended. */
function rawCall(session: http2.ClientHttp2Session, body: Buffer, end: boolean): Promise<{ status?: string; closedMs: number; rstCode: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = session.request({ ':method': 'POST', ':path': LOGS_SERVICE_EXPORT_PATH, 'content-type': 'application/grpc', te: 'trailers' });
    let status: string | undefined;
    req.on('response', (headers) => (status ??= headers['grpc-status'] as string | undefined));
    req.on('trailers', (trailers) => (status ??= trailers['grpc-status'] as string | undefined));
    req.on('error', () => undefined);
    req.on('data', () => undefined);
    req.on('close', () => resolve({ status, closedMs: Date.now() - started, rstCode: req.rstCode ?? 0 }));
    req.write(body);
    if (end) req.end();
  });
}

test('an Export call whose message does not arrive within read_timeout ends with DEADLINE_EXCEEDED and its stream is reset', async () => {
  const { consumer, metrics, grpcTarget, stop } = await startReceiver('otlp/slow', { grpcReadTimeout: '1s' });
  const session = http2.connect(`http://${grpcTarget}`);
  session.on('error', () => undefined);
  try {
    // 1 MiB announced, all but the last byte sent, the client's side left open
    const partial = Buffer.alloc(1024 * 1024 + 4, 0x0a);
    partial[0] = 0;
    partial.writeUInt32BE(1024 * 1024, 1);
    const stalled = await Promise.all([rawCall(session, partial, false), rawCall(session, partial, false)]);
    for (const call of stalled) {
      expect(call.status).toBe(String(grpc.status.DEADLINE_EXCEEDED));
      expect(call.closedMs).toBeGreaterThanOrEqual(900);
      expect(call.closedMs).toBeLessThan(10_000);
      expect(call.rstCode).toBe(http2.constants.NGHTTP2_CANCEL);
    }
    expect(metrics.value('logfun_receiver_refused_requests_total', { receiver: 'otlp/slow', protocol: 'grpc', reason: 'timeout' })).toBe(2);
    // the slots are back and a whole Export is served on the same connection
    const whole = await rawCall(session, exportFrame(), true);
    expect(whole.status).toBe(String(grpc.status.OK));
    expect(consumer.records()).toHaveLength(1);
  } finally {
    session.destroy();
    await stop();
  }
});

test('read_timeout must be a positive duration', () => {
  const config = otlpReceiverFactory.createDefaultConfig();
  config.protocols.grpc = { endpoint: '127.0.0.1:0', max_recv_msg_size: '4MiB', read_timeout: '1s' };
  config.protocols.http = null;
  expect(otlpReceiverFactory.validate!(config)).toEqual([]);
  config.protocols.grpc.read_timeout = '0s';
  expect(otlpReceiverFactory.validate!(config).join('\n')).toMatch(/protocols\.grpc\.read_timeout: must be longer than 0/);
});
