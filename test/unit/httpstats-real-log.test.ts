/**
 * Counts on the real access log of the shared data set, when it is present next
 * to the repository (../shared/data/access-logs/hackers-access.log): the
 * aggregator's figures (scanner path, and processor path reading bodies) must
 * equal an independent count by splitting each line. Skipped when the file is
 * absent; bench/httpstats.ts makes the same check.
 */
import * as fs from 'fs';
import * as path from 'path';
import { newAccessLogFields, scanAccessLog } from '../../collector/receivers/filelog/parsers';
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { HttpStatsAggregator, newHttpSample, sumRows, type IntervalStatsRow } from '../../processors/httpstats/aggregator';
import { HttpStatsProcessor, httpstatsProcessorFactory } from '../../processors/httpstats/factory';
import { RecordingConsumer } from '../kit/recording-consumer';
import { asRecord, independentCount } from './httpstats-fixtures';

const file = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'access-logs', 'hackers-access.log');
const present = fs.existsSync(file);
if (!present) console.warn(`httpstats-real-log.test.ts SKIPPED: ${file} is not present`);
const describeIfPresent = present ? describe : describe.skip;

describeIfPresent('httpstats on the real access log', () => {
  const lines = present ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
  const expected = independentCount(lines);

  function check(rows: IntervalStatsRow[]): void {
    const total = sumRows(rows);
    expect(total.hits).toBe(expected.hits);
    expect(total.bytes).toBe(expected.bytes);
    expect(asRecord(total.statusCodes)).toEqual(expected.status);
    expect(asRecord(total.sections)).toEqual(expected.sections);
    expect(asRecord(total.paths)).toEqual(expected.paths);
    const perInterval = new Map<number, number>();
    for (const r of rows) perInterval.set(r.timeStartMs, (perInterval.get(r.timeStartMs) ?? 0) + r.hits);
    expect(perInterval).toEqual(expected.perInterval);
  }

  it('scanner + aggregator', () => {
    const agg = new HttpStatsAggregator({ intervalMs: 10_000, topPaths: 10_000, topSections: 10_000 });
    const f = newAccessLogFields();
    const s = newHttpSample();
    for (const line of lines) {
      expect(scanAccessLog(line, f)).toBe('');
      Object.assign(s, { timeMs: f.timeMs, path: f.path, status: f.status, bytes: f.bytes, userAgent: f.userAgent });
      agg.add(s);
    }
    check(agg.closeAll());
  });

  it('processor reading the lines from record bodies', async () => {
    const metrics = new Metrics();
    const cfg = { ...httpstatsProcessorFactory.createDefaultConfig(), store: false, top_paths: 10_000, top_sections: 10_000 };
    const rows: IntervalStatsRow[] = [];
    const p = new HttpStatsProcessor({ id: 'httpstats', metrics, logger: createMemoryLogger() }, cfg, new RecordingConsumer(), {
      tickMs: 0,
      listeners: [{ onIntervals: (r) => rows.push(...r) }],
    });
    await p.start({ metrics, logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary() });
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const sc = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    for (const line of lines) b.add(r, sc, { body: line });
    await p.consumeLogs(b.batch);
    await p.shutdown();
    check(rows);
  });
});
