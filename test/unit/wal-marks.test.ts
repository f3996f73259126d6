/**
 * Delivery marks between the compact receiver's session table and a durable
 * queue (collector/queue/delivery-mark.ts, collector/compact/sessions.ts).
 */
import { SessionTable, sessionTableFor } from '../../collector/compact/sessions';
import { currentDeliveryMark, restoreDeliveryMarks, type DeliveryMark } from '../../collector/queue/delivery-mark';

test('a scoped table runs each consume under the mark of its session and sequence, across awaits', async () => {
  const table = sessionTableFor('otlp/marks-a');
  const state = table.get('svc\u0000inst\u0000s1');
  const seen: (DeliveryMark | undefined)[] = [];
  await table.runOnce(state, 7, async () => {
    await new Promise((r) => setTimeout(r, 5));
    seen.push(currentDeliveryMark());
  });
  expect(seen).toEqual([{ scope: 'otlp/marks-a', key: 'svc\u0000inst\u0000s1', sequence: 7 }]);
  expect(currentDeliveryMark()).toBeUndefined();
  // An unscoped table (memory only) carries no mark.
  const plain = new SessionTable();
  await plain.runOnce(plain.get('k'), 1, async () => void seen.push(currentDeliveryMark()));
  expect(seen[1]).toBeUndefined();
});

test('restored marks make resent sequences duplicates, for sessions first seen later and for existing ones', async () => {
  const table = sessionTableFor('otlp/marks-b');
  const existing = table.get('old');
  restoreDeliveryMarks([
    { scope: 'otlp/marks-b', key: 'new', sequence: 12 },
    { scope: 'otlp/marks-b', key: 'old', sequence: 3 },
    { scope: 'otlp/other', key: 'new', sequence: 99 },
  ]);
  expect(existing.highWater).toBe(3);
  const fresh = table.get('new');
  expect(fresh.highWater).toBe(12);
  let consumed = 0;
  const consume = async () => void consumed++;
  expect(await table.runOnce(fresh, 12, consume)).toBe('duplicate');
  expect(await table.runOnce(fresh, 13, consume)).toBe('accepted');
  expect(consumed).toBe(1);
  expect(fresh.highWater).toBe(13);
});

test('with several durable queues a session restores to the lowest mark among those that know it', () => {
  restoreDeliveryMarks([{ scope: 'otlp/marks-c', key: 'k', sequence: 9 }], '/q/a');
  restoreDeliveryMarks([{ scope: 'otlp/marks-c', key: 'k', sequence: 8 }, { scope: 'otlp/marks-c', key: 'only-a', sequence: 4 }], '/q/b');
  const table = sessionTableFor('otlp/marks-c');
  expect(table.get('k').highWater).toBe(8);
  expect(table.get('only-a').highWater).toBe(4);
});
