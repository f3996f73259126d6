import { context, trace, ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import { createLogger, MemoryTransport, templateIdOf, type ExportedRecord } from '../../sdk';

/** A synchronous ContextManager (enough for context.with in tests; no async propagation). */
class StackContextManager implements ContextManager {
  private stack: Context[] = [];
  active(): Context {
    return this.stack[this.stack.length - 1] ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    this.stack.push(ctx);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.stack.pop();
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.stack = [];
    return this;
  }
}

function setup(level: 'trace' | 'info' = 'trace') {
  const memory = new MemoryTransport();
  const diagnostics: string[] = [];
  const log = createLogger({ service: 'checkout', transport: memory, level, exitHooks: false, diagnostics: (m) => diagnostics.push(m) });
  return { memory, log, diagnostics };
}

async function drained(log: ReturnType<typeof setup>['log'], memory: MemoryTransport): Promise<ExportedRecord[]> {
  await log.flush();
  return memory.records;
}

describe('call styles', () => {
  it('tagged templates render the Body and keep typed arguments', async () => {
    const { memory, log } = setup();
    const id = 42;
    const amount = 3.5;
    log.info`user ${id} paid ${amount} ok=${true} big=${2n ** 70n} raw=${new Uint8Array([0xde, 0xad])} who=${'bob'}`;
    const [r] = await drained(log, memory);
    expect(r.body).toBe('user 42 paid 3.5 ok=true big=1180591620717411303424 raw=3q0= who=bob');
    expect(r.severityNumber).toBe(9);
    expect(r.severityText).toBe('INFO');
    const text = 'user {} paid {} ok={} big={} raw={} who={}';
    expect(r.attributes['log.record.template']).toBe(text);
    expect(r.attributes['log.record.template.id']).toBe(templateIdOf(text).toString());
    expect(r.attributes['log.record.arg.0']).toBe(42);
    expect(r.attributes['log.record.arg.1']).toBe(3.5);
    expect(r.attributes['log.record.arg.2']).toBe(true);
    expect(r.attributes['log.record.arg.3']).toBe(2n ** 70n);
    expect(r.attributes['log.record.arg.4']).toEqual(new Uint8Array([0xde, 0xad]));
    expect(r.attributes['log.record.arg.5']).toBe('bob');
    expect(r.attributes['code.filepath']).toBe(__filename);
    expect(typeof r.attributes['code.lineno']).toBe('number');
    await log.shutdown();
  });

  it('captures object arguments at the call, so later mutation does not change the record', async () => {
    const { memory, log } = setup();
    const order = { id: 1, items: ['a'] };
    const bytes = new Uint8Array([1, 2]);
    log.info`order ${order} bytes ${bytes} when ${new Date(0)} err ${new TypeError('bad')} nothing ${undefined} ${null}`;
    order.items.push('b');
    bytes[0] = 9;
    const [r] = await drained(log, memory);
    expect(r.body).toBe('order {"id":1,"items":["a"]} bytes AQI= when 1970-01-01T00:00:00.000Z err TypeError: bad nothing undefined null');
    await log.shutdown();
  });

  it('the same tagged site yields the same template object at every call', async () => {
    const { memory, log } = setup();
    const site = (i: number) => log.debug`tick ${i}`;
    for (let i = 0; i < 5; i++) site(i);
    const records = await drained(log, memory);
    expect(records).toHaveLength(5);
    expect(new Set(records.map((r) => r.template)).size).toBe(1);
    expect(records.map((r) => r.body)).toEqual(['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4']);
    await log.shutdown();
  });

  it('printf style renders util.format-like Bodies with converted, typed arguments', async () => {
    const { memory, log } = setup();
    log.warn('user %s paid %d (%i%% off, rate %f)', 'bob', '12', 42.7, '0.25');
    log.info('plain %s without args');
    log.info('extra args', 1, 'two');
    const [a, b, c] = await drained(log, memory);
    expect(a.body).toBe('user bob paid 12 (42% off, rate 0.25)');
    expect(a.attributes['log.record.template']).toBe('user {} paid {} ({}% off, rate {})');
    expect([a.attributes['log.record.arg.0'], a.attributes['log.record.arg.1'], a.attributes['log.record.arg.2'], a.attributes['log.record.arg.3']]).toEqual([
      'bob',
      12,
      42,
      0.25,
    ]);
    expect(a.severityText).toBe('WARN');
    expect(b.body).toBe('plain %s without args');
    expect(b.attributes['log.record.template']).toBe('plain %s without args');
    expect(b.attributes['log.record.arg.0']).toBeUndefined();
    expect(c.body).toBe('extra args 1 two');
    expect(c.attributes['log.record.template']).toBe('extra args {} {}');
    await log.shutdown();
  });

  it('structured calls: attributes first (pino style), msg key, message first, Errors', async () => {
    const { memory, log } = setup();
    log.info({ orderId: 7, region: 'eu', tags: ['a', 'b'], nested: { ok: true } }, 'order %s placed', 'A-7');
    log.info({ msg: 'cache warmed', entries: 10 });
    log.info('payment settled', { orderId: 8 });
    const err = new RangeError('card declined');
    log.error(err, 'payment failed for %s', 'bob');
    log.error({ err, orderId: 9 }, 'payment failed');
    log.fatal(new Error('disk full'));
    const [a, b, c, d, e, f] = await drained(log, memory);
    expect(a.body).toBe('order A-7 placed');
    expect(a.attributes).toMatchObject({ orderId: 7, region: 'eu', tags: ['a', 'b'], nested: { ok: true }, 'log.record.arg.0': 'A-7' });
    expect(b.body).toBe('cache warmed');
    expect(b.attributes.entries).toBe(10);
    expect(b.attributes.msg).toBeUndefined();
    expect(c.body).toBe('payment settled');
    expect(c.attributes.orderId).toBe(8);
    expect(d.body).toBe('payment failed for bob');
    expect(d.attributes['exception.type']).toBe('RangeError');
    expect(d.attributes['exception.message']).toBe('card declined');
    expect(String(d.attributes['exception.stacktrace'])).toContain('RangeError: card declined');
    expect(e.body).toBe('payment failed');
    expect(e.attributes).toMatchObject({ orderId: 9, 'exception.type': 'RangeError', 'exception.message': 'card declined' });
    expect(e.attributes.err).toBeUndefined();
    expect(f.body).toBe('disk full');
    expect(f.severityNumber).toBe(21);
    await log.shutdown();
  });
});

describe('levels and child loggers', () => {
  it('uses OTel severity numbers and honours the threshold', async () => {
    const { memory, log } = setup('info');
    log.trace`t`;
    log.debug('d');
    log.info`i`;
    log.warn`w`;
    log.error`e`;
    log.fatal`f`;
    expect(log.isLevelEnabled('debug')).toBe(false);
    expect(log.isLevelEnabled('warn')).toBe(true);
    log.level = 'error';
    log.warn`not recorded`;
    log.error`recorded`;
    const records = await drained(log, memory);
    expect(records.map((r) => [r.severityNumber, r.severityText, r.body])).toEqual([
      [9, 'INFO', 'i'],
      [13, 'WARN', 'w'],
      [17, 'ERROR', 'e'],
      [21, 'FATAL', 'f'],
      [17, 'ERROR', 'recorded'],
    ]);
    expect(log.stats().emitted).toBe(5);
    log.level = 'silent';
    log.fatal`nothing`;
    expect(log.stats().emitted).toBe(5);
    expect(() => {
      (log as { level: string }).level = 'loud';
    }).toThrow(/unknown level/);
    await log.shutdown();
  });

  it('child loggers add bound attributes; call attributes win on the same key', async () => {
    const { memory, log } = setup();
    const request = log.child({ requestId: 'r-1', tenant: 'acme' });
    const step = request.child({ step: 2, tenant: 'globex' }, { level: 'warn' });
    request.info`handling ${'GET'}`;
    step.info`filtered by the child's level`;
    step.warn({ tenant: 'initech' }, 'slow step');
    const [a, b] = await drained(log, memory);
    expect(a.attributes).toMatchObject({ requestId: 'r-1', tenant: 'acme', 'log.record.arg.0': 'GET' });
    expect(b.attributes).toMatchObject({ requestId: 'r-1', tenant: 'initech', step: 2 });
    expect(Object.keys(b.attributes).filter((k) => k === 'tenant')).toHaveLength(1);
    expect(memory.records).toHaveLength(2);
    expect(step.stats()).toEqual(log.stats());
    await log.shutdown();
  });

  it('createLogger reports every invalid option at once', () => {
    expect(() =>
      createLogger({ service: 'x', transport: 'memory', level: 'loud' as never, buffer: { maxRecords: 0 }, batch: { delayMs: -1 } }),
    ).toThrow(/level must be one of[\s\S]*buffer.maxRecords must be a positive integer/);
    expect(() => createLogger({ service: 'x', transport: 'carrier-pigeon' as never })).toThrow(/transport must be/);
    expect(() => createLogger({ service: 'x', endpoint: 'ftp://host:1' })).toThrow(/unsupported endpoint scheme/);
  });
});

describe('timestamps and trace context', () => {
  it('stamps records with sub-millisecond wall-clock times in call order', async () => {
    const { memory, log } = setup();
    const before = BigInt(Date.now()) * 1_000_000n;
    for (let i = 0; i < 50; i++) log.info`n ${i}`;
    const after = BigInt(Date.now() + 2) * 1_000_000n;
    const records = await drained(log, memory);
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      expect(r.timeUnixNano).toBeGreaterThanOrEqual(before - 2_000_000n);
      expect(r.timeUnixNano).toBeLessThanOrEqual(after);
      expect(r.observedTimeUnixNano).toBe(r.timeUnixNano);
      if (i > 0) expect(r.timeUnixNano).toBeGreaterThanOrEqual(records[i - 1].timeUnixNano);
    }
    expect(new Set(records.map((r) => r.timeUnixNano)).size).toBeGreaterThan(1);
    await log.shutdown();
  });

  it('attaches the active span context', async () => {
    const manager = new StackContextManager();
    context.setGlobalContextManager(manager);
    try {
      const { memory, log } = setup();
      const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
      context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () => log.info`inside span`);
      log.info`outside span`;
      const [inside, outside] = await drained(log, memory);
      expect([inside.traceId, inside.spanId, inside.flags]).toEqual([spanContext.traceId, spanContext.spanId, 1]);
      expect([outside.traceId, outside.spanId, outside.flags]).toEqual(['', '', 0]);
      await log.shutdown();
    } finally {
      context.disable();
    }
  });
});

describe('OTLP endpoint parsing', () => {
  it('accepts host:port, http(s):// and unix: forms, defaulting the port to 4317', async () => {
    const { parseGrpcEndpoint } = await import('../../sdk');
    expect(parseGrpcEndpoint('localhost:4317')).toEqual({ target: 'localhost:4317', secure: false });
    expect(parseGrpcEndpoint('collector')).toEqual({ target: 'collector:4317', secure: false });
    expect(parseGrpcEndpoint('collector', true)).toEqual({ target: 'collector:4317', secure: true });
    expect(parseGrpcEndpoint('http://10.0.0.1:5317/')).toEqual({ target: '10.0.0.1:5317', secure: false });
    expect(parseGrpcEndpoint('https://otel.example.com')).toEqual({ target: 'otel.example.com:4317', secure: true });
    expect(parseGrpcEndpoint('[::1]:4317')).toEqual({ target: '[::1]:4317', secure: false });
    expect(parseGrpcEndpoint('unix:/run/otel.sock')).toEqual({ target: 'unix:/run/otel.sock', secure: false });
    expect(() => parseGrpcEndpoint('http://')).toThrow(/has no host/);
  });
});
