/**
 * Batch ledgers in the write-ahead log (collector/queue/batch-ledger.ts,
 * collector/queue/wal.ts): the deltas stored with entries add up to totals that
 * survive the deletion of their segments (ledger.json) and a reopen, without
 * counting an entry twice; an entry with no records can carry them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WriteAheadLog } from '../../collector/queue/wal';
import { currentLedger, restoreLedger, takeRestoredLedger, withLedger } from '../../collector/queue/batch-ledger';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-wal-ledger-'));
  dirs.push(d);
  return d;
}

const open = (directory: string) => WriteAheadLog.open({ directory, maxBytes: 0, fsync: 'never', segmentBytes: 300 });
const payload = (i: number) => Buffer.from(`entry-${i}-`.padEnd(100, 'x'));

test('ledger totals outlive deleted segments and are not counted twice on reopen', async () => {
  const dir = tempDir();
  let wal = await open(dir);
  // 12 entries over several 300-byte segments; every third has no records (a ledger-only entry).
  const expected = new Map<string, number>();
  for (let i = 1; i <= 12; i++) {
    const ledger = new Map([
      ['a', i],
      ['b', i % 2 === 0 ? -1 : 2],
    ]);
    for (const [k, v] of ledger) expected.set(k, (expected.get(k) ?? 0) + v);
    await wal.append(i % 3 === 0 ? Buffer.alloc(0) : payload(i), i % 3 === 0 ? 0 : 1, undefined, ledger);
  }
  // Entries without a ledger change nothing.
  await wal.append(payload(13), 1);
  expect(new Map(wal.ledger())).toEqual(expected);
  // Acknowledge part of the log: the first segments go (ledger.json first), the rest stay.
  await wal.acknowledge({ seq: 8, record: 0 });
  expect(fs.existsSync(path.join(dir, 'ledger.json'))).toBe(true);
  expect(fs.readdirSync(dir).filter((n) => n.endsWith('.seg')).length).toBeGreaterThan(1);
  // Later entries, then a reopen (as after kill -9: nothing but what is on disk).
  await wal.append(payload(14), 1, undefined, new Map([['a', 100]]));
  expected.set('a', expected.get('a')! + 100);
  await wal.close();
  wal = await open(dir);
  expect(new Map(wal.ledger())).toEqual(expected);
  // Counters that go back to 0 are forgotten.
  await wal.append(payload(15), 1, undefined, new Map([['b', -expected.get('b')!]]));
  expect(wal.ledger().map(([k]) => k)).toEqual(['a']);
  await wal.acknowledge({ seq: 16, record: 0 });
  await wal.close();
  wal = await open(dir);
  expect(wal.ledger()).toEqual([['a', expected.get('a')]]);
  await wal.close();
});

test('the ledger rides the async chain (nested ledgers add up); restored totals are taken once, by prefix', async () => {
  const seen: unknown[] = [];
  await withLedger(new Map([['x', 1]]), async () => {
    await new Promise((r) => setTimeout(r, 2));
    await withLedger(new Map([['x', 2], ['y', 3]]), async () => void seen.push(new Map(currentLedger())));
  });
  expect(seen).toEqual([new Map([['x', 3], ['y', 3]])]);
  expect(currentLedger()).toBeUndefined();
  restoreLedger([['p/1', 5], ['q/1', 7]], '/q/a');
  restoreLedger([['p/1', 4]], '/q/b');
  expect(takeRestoredLedger('p/')).toEqual(new Map([['p/1', 5]]));
  expect(takeRestoredLedger('p/').size).toBe(0);
  expect(takeRestoredLedger('q/')).toEqual(new Map([['q/1', 7]]));
});
