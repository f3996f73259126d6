/**
 * The Native encoder's RawBody column (tables storing rendered bodies): whether a row's
 * body is left to its stored template (renderedBodyStored) is asked once per block and
 * template, not per row, and every row gets the answer for its own template and service.
 */
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { LogsNativeEncoder } from '../../collector/storage/clickhouse-logs-native';
import { NativeWriter } from '../../collector/storage/native-block';

test('renderedBodyStored is asked once per block, template and service; rows get their own answer', () => {
  const b = new LogBatchBuilder();
  const svcA = b.addResource({ attributes: [{ key: 'service.name', value: 'a' }], droppedAttributesCount: 0, schemaUrl: '' });
  const svcB = b.addResource({ attributes: [{ key: 'service.name', value: 'b' }], droppedAttributesCount: 0, schemaUrl: '' });
  const scope = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const paid = ['user ', ' paid ', ''];
  const left = ['user ', ' left'];
  const expected: string[] = [];
  const add = (resource: number, parts: string[], id: bigint, args: string[], leftToTemplate: boolean) => {
    b.add(resource, scope, { timeUnixNano: 1n, severityNumber: 9, severityText: 'INFO', templateId: id, templateArgs: args, bodyParts: parts }, 50);
    expected.push(leftToTemplate ? '' : parts[0] + args.map((a, k) => a + parts[k + 1]).join(''));
  };
  // rows of two templates of service a, one after the other; then a run of the first template's parts under service b
  for (let i = 0; i < 600; i++) {
    if (i % 2 === 0) add(svcA, paid, 1n, [`u${i}`, `${i}`], true);
    else add(svcA, left, 2n, [`u${i}`], false);
  }
  for (let i = 0; i < 300; i++) add(svcB, paid, 1n, [`v${i}`, `${i}`], false);

  const asked: string[] = [];
  const encoder = LogsNativeEncoder.create([{ name: 'Timestamp', type: 'DateTime64(9)', defaultKind: '' }, { name: 'RawBody', type: 'String', defaultKind: '' }], { typeConversion: true }, {
    rawBodyOf: (body) => body,
    renderedBodyStored: (service, id) => {
      asked.push(`${service}/${id}`);
      return service === 'a' && id === 1n;
    },
  })!;
  const batch = b.batch;
  const indexes = Array.from({ length: batch.length }, (_, i) => i);
  const block = encoder.encode({ batches: indexes.map(() => batch), indexes, offsets: indexes, base: 0n });
  expect(asked).toEqual(['a/1', 'a/2', 'b/1']);

  const want = new NativeWriter();
  want.varint(2);
  want.varint(expected.length);
  want.column('Timestamp', 'DateTime64(9)');
  for (let i = 0; i < expected.length; i++) want.u64(1n);
  want.column('RawBody', 'String');
  for (const s of expected) want.string(s);
  expect(block.equals(want.bytes())).toBe(true);

  // the next block asks again (the store may have written the template meanwhile)
  encoder.encode({ batches: [batch], indexes: [0], offsets: [0], base: 0n });
  expect(asked).toEqual(['a/1', 'a/2', 'b/1', 'a/1']);
});
