import * as path from 'path';
import { createLogger, MemoryTransport, templateIdOf, type ExportedRecord } from '../../sdk';
import { traced, logged, functionScopes, currentFunctionScope } from '../../sdk/traced';

function setup() {
  const memory = new MemoryTransport();
  const log = createLogger({ service: 'traced-test', transport: memory, level: 'trace', exitHooks: false, diagnostics: () => undefined });
  return { memory, log };
}

async function drained(log: ReturnType<typeof setup>['log'], memory: MemoryTransport): Promise<ExportedRecord[]> {
  await log.flush();
  return memory.records;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Line number of the caller (1-based) as V8 reports it for the running code (what the SDK captures). */
function lineHere(): number {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (_err, stack) => stack;
  const holder: { stack?: unknown } = {};
  Error.captureStackTrace(holder, lineHere);
  const frames = holder.stack as NodeJS.CallSite[];
  Error.prepareStackTrace = previous;
  return frames[0].getLineNumber()!;
}

describe('traced(fn): synchronous scopes', () => {
  it('records logged inside carry code.function = the scope name and the call site location', async () => {
    const { memory, log } = setup();
    let line = 0;
    const charge = traced(function chargeCard(amount: number) {
      line = lineHere() + 1;
      log.info`charging ${amount}`;
      return amount * 2;
    });
    expect(charge(21)).toBe(42);
    const [r] = await drained(log, memory);
    expect(r.body).toBe('charging 21');
    expect(r.attributes['code.function']).toBe('chargeCard');
    expect(r.attributes['code.filepath']).toBe(__filename);
    expect(r.attributes['code.lineno']).toBe(line);
    // Same text and id as the unscoped template: only the function differs.
    expect(r.attributes['log.record.template']).toBe('charging {}');
    expect(r.attributes['log.record.template.id']).toBe(templateIdOf('charging {}').toString());
    await log.shutdown();
  });

  it('traced(name, fn) names the scope; anonymous functions get their traced() location', async () => {
    const { memory, log } = setup();
    const named = traced('billing.refund', (id: string) => log.warn('refund %s', id));
    const line = lineHere() + 1;
    const anonymous = traced(() => log.info('anonymous work'));
    named('r-1');
    anonymous();
    const [a, b] = await drained(log, memory);
    expect(a.attributes['code.function']).toBe('billing.refund');
    expect(a.body).toBe('refund r-1');
    expect(b.attributes['code.function']).toBe(`anonymous@${path.basename(__filename)}:${line}`);
    // A plain message has no captured site: the location is the traced() call.
    expect(b.attributes['code.filepath']).toBe(__filename);
    expect(b.attributes['code.lineno']).toBe(line);
    await log.shutdown();
  });

  it('records outside any scope keep the site function; the same site inside a scope uses a scoped template', async () => {
    const { memory, log } = setup();
    function site(i: number) {
      log.info`tick ${i}`;
    }
    const scopedSite = traced('ticker', site);
    site(1);
    scopedSite(2);
    site(3);
    const [a, b, c] = await drained(log, memory);
    expect(a.attributes['code.function']).toBe('site');
    expect(b.attributes['code.function']).toBe('ticker');
    expect(c.attributes['code.function']).toBe('site');
    expect(a.template).toBe(c.template);
    expect(b.template).not.toBe(a.template);
    expect(b.template!.id).toBe(a.template!.id);
    expect(b.attributes['code.lineno']).toBe(a.attributes['code.lineno']);
    expect(currentFunctionScope()).toBeUndefined();
    await log.shutdown();
  });

  it('nests: the innermost scope wins and the outer one is restored after it returns or throws', async () => {
    const { memory, log } = setup();
    const inner = traced(function inner(fail: boolean) {
      log.info('in inner');
      if (fail) throw new Error('inner failed');
    });
    const outer = traced(function outer() {
      log.info('outer before');
      inner(false);
      log.info('outer between');
      expect(() => inner(true)).toThrow('inner failed');
      log.info('outer after');
    });
    outer();
    const records = await drained(log, memory);
    expect(records.map((r) => [r.body, r.attributes['code.function']])).toEqual([
      ['outer before', 'outer'],
      ['in inner', 'inner'],
      ['outer between', 'outer'],
      ['in inner', 'inner'],
      ['outer after', 'outer'],
    ]);
    await log.shutdown();
  });

  it('keeps this, arguments, return value, name and length', () => {
    const obj = {
      factor: 3,
      times: traced(function times(this: { factor: number }, a: number, b: number) {
        return this.factor * a * b;
      }),
    };
    expect(obj.times(2, 5)).toBe(30);
    expect(obj.times.name).toBe('times');
    expect(obj.times.length).toBe(2);
  });
});

describe('traced(fn): async scopes', () => {
  it('keeps the scope across awaits, also when calls interleave', async () => {
    const { memory, log } = setup();
    const fetchUser = traced(async function fetchUser(id: number) {
      log.info`fetch ${id} start`;
      await sleep(5 + (id % 2) * 5);
      log.info`fetch ${id} middle`;
      await Promise.resolve();
      log.info`fetch ${id} end`;
      return id;
    });
    const fetchOrder = traced(async function fetchOrder(id: number) {
      await sleep(1);
      log.info`order ${id}`;
      await sleep(7);
      log.info`order ${id} done`;
    });
    const results = await Promise.all([fetchUser(1), fetchOrder(7), fetchUser(2)]);
    expect(results[0]).toBe(1);
    log.info('outside');
    const records = await drained(log, memory);
    expect(records).toHaveLength(9);
    for (const r of records) {
      const body = r.body as string;
      const expected = body.startsWith('fetch') ? 'fetchUser' : body.startsWith('order') ? 'fetchOrder' : undefined;
      expect([body, r.attributes['code.function']]).toEqual([body, expected]);
    }
    await log.shutdown();
  });

  it('nests async and sync scopes in both directions', async () => {
    const { memory, log } = setup();
    const syncHelper = traced(function syncHelper() {
      log.info('sync helper');
    });
    const asyncInner = traced(async function asyncInner() {
      log.info('async inner start');
      await sleep(2);
      syncHelper();
      log.info('async inner end');
    });
    const asyncOuter = traced(async function asyncOuter() {
      log.info('async outer start');
      await asyncInner();
      log.info('async outer end');
    });
    const syncOuter = traced(function syncOuter() {
      log.info('sync outer start');
      const p = asyncInner();
      log.info('sync outer end');
      return p;
    });
    await asyncOuter();
    await syncOuter();
    const records = await drained(log, memory);
    expect(records.map((r) => `${r.body} @ ${r.attributes['code.function']}`)).toEqual([
      'async outer start @ asyncOuter',
      'async inner start @ asyncInner',
      'sync helper @ syncHelper',
      'async inner end @ asyncInner',
      'async outer end @ asyncOuter',
      'sync outer start @ syncOuter',
      'async inner start @ asyncInner',
      'sync outer end @ syncOuter',
      'sync helper @ syncHelper',
      'async inner end @ asyncInner',
    ]);
    await log.shutdown();
  });

  it('propagates rejections and switches promise-returning plain functions to async mode', async () => {
    const { memory, log } = setup();
    const failing = traced(async function failing() {
      await sleep(1);
      throw new Error('nope');
    });
    await expect(failing()).rejects.toThrow('nope');
    const thenable = traced(function promiseReturning(n: number) {
      return sleep(2).then(() => log.info`continuation ${n}`);
    });
    await thenable(1); // first call: the continuation runs unscoped (documented)
    await thenable(2);
    const records = await drained(log, memory);
    expect(records.map((r) => r.attributes['code.function'])).toEqual([expect.not.stringMatching(/^promiseReturning$/), 'promiseReturning']);
    await log.shutdown();
  });
});

describe('decorators', () => {
  it('@traced() and @logged() scope class methods as Class.method (experimentalDecorators)', async () => {
    const { memory, log } = setup();
    class Checkout {
      constructor(private readonly rate: number) {}

      @traced()
      pay(amount: number): number {
        log.info`paying ${amount}`;
        return amount * this.rate;
      }

      @logged()
      async refund(amount: number): Promise<string> {
        await sleep(1);
        log.info`refunded ${amount}`;
        return 'ok';
      }

      @traced('checkout.audit')
      static audit(): void {
        log.info('audit');
      }

      @logged()
      static make(): Checkout {
        log.info('make');
        return new Checkout(2);
      }
    }
    const c = Checkout.make();
    expect(c.pay(5)).toBe(10);
    await expect(c.refund(3)).resolves.toBe('ok');
    Checkout.audit();
    const records = await drained(log, memory);
    expect(records.map((r) => `${r.body} @ ${r.attributes['code.function']}`)).toEqual([
      'make @ Checkout.make',
      'paying 5 @ Checkout.pay',
      'refunded 3 @ Checkout.refund',
      'audit @ checkout.audit',
    ]);
    await log.shutdown();
  });

  it('supports TC39 method decorators (value, context)', async () => {
    const { memory, log } = setup();
    class Inventory {
      count(n: number): number {
        log.info`counting ${n}`;
        return n + 1;
      }
    }
    const decorate = traced() as unknown as (m: Inventory['count'], ctx: { kind: 'method'; name: string; static: boolean }) => Inventory['count'];
    Inventory.prototype.count = decorate(Inventory.prototype.count, { kind: 'method', name: 'count', static: false });
    expect(new Inventory().count(1)).toBe(2);
    expect(() => (traced() as unknown as (v: unknown, c: object) => unknown)(undefined, { kind: 'field', name: 'x' })).toThrow(/methods/);
    const [r] = await drained(log, memory);
    expect(r.attributes['code.function']).toBe('Inventory.count');
    await log.shutdown();
  });
});

describe('muted functions', () => {
  it('drops records logged in a muted function after one check, counts them, and resumes after unmute', async () => {
    const { memory, log } = setup();
    let captured = 0;
    const expensive = {
      toJSON() {
        captured++;
        return 'expensive';
      },
    };
    const noisy = traced(function noisyLoop(n: number) {
      for (let i = 0; i < n; i++) log.info`noisy ${i} ${expensive}`;
    });
    const templatesBefore = log.stats();
    functionScopes.muteFunction('noisyLoop');
    noisy(1000);
    log.info('outside still flows');
    expect(log.stats().muted).toBe(1000);
    expect(log.stats().emitted).toBe(templatesBefore.emitted + 1);
    expect(log.stats().dropped).toBe(0);
    // Nothing was looked up or captured for the muted records.
    expect(captured).toBe(0);
    functionScopes.unmuteFunction('noisyLoop');
    noisy(2);
    const records = await drained(log, memory);
    expect(records.map((r) => r.body)).toEqual(['outside still flows', 'noisy 0 "expensive"', 'noisy 1 "expensive"']);
    expect(captured).toBe(2);
    await log.shutdown();
  });

  it('mutes by name before the scope exists, inner scopes decide for themselves, and muted templates count too', async () => {
    const { memory, log } = setup();
    functionScopes.muteFunction('laterMuted');
    expect(functionScopes.isMuted('laterMuted')).toBe(true);
    expect(functionScopes.mutedFunctions()).toContain('laterMuted');
    const unmutedInner = traced(function unmutedInner() {
      log.info('inner of muted');
    });
    const laterMuted = traced(function laterMuted() {
      log.info('muted');
      unmutedInner();
      log.info('muted again');
    });
    laterMuted();
    const noisySite = (i: number) => log.debug`muted template ${i}`;
    noisySite(0);
    const records0 = await drained(log, memory);
    const template = records0.find((r) => r.body === 'muted template 0')!.template!;
    template.muted = true;
    noisySite(1);
    traced('scopedNoisy', noisySite)(2); // the scoped variant follows the site's template rule
    expect(log.stats().muted).toBe(2 + 2);
    const records = await drained(log, memory);
    expect(records.map((r) => r.body)).toEqual(['inner of muted', 'muted template 0']);
    functionScopes.unmuteFunction('laterMuted');
    expect(functionScopes.isMuted('laterMuted')).toBe(false);
    const names: string[] = [];
    functionScopes.forEachScope((s) => names.push(s.name));
    expect(names).toEqual(expect.arrayContaining(['laterMuted', 'unmutedInner', 'scopedNoisy']));
    await log.shutdown();
  });
});
