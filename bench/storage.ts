/**
 * Storage benchmark: how many bytes a log line costs in ClickHouse, and what a
 * Grafana-style Body search costs, for four ways of keeping it:
 *
 *   (A) contrib   the OpenTelemetry contrib exporter's otel_logs, Body stored as
 *                 text (what any OTel ClickHouse exporter writes; our template
 *                 columns exist but stay empty)
 *   (B) stored    ours: Body stored + TemplateId + TemplateArgs
 *   (C) rendered  ours: RawBody (only bodies the template cannot reproduce) +
 *                 TemplateId + TemplateArgs; Body is an ALIAS that renders
 *                 dictGet(log_templates_dict, Parts) with the arguments
 *   (D) zstd -19  of the raw log text (the original 2k files, and the replicated text)
 *
 *   npm run build && node dist/bench/storage.js [loghub-2k dir] [--replicas N] [--keep]
 *
 * Data: every line of <dir>/<Dataset>/<Dataset>_2k.log is one record whose Body is
 * the whole line; ServiceName = the data set. Each file is replicated N times
 * (default 100) so ClickHouse sees realistic part sizes. So that replicas are not
 * byte-identical copies (which block compression would fold for free), replica r
 * shifts every free-standing number of the line (digit runs not glued to letters:
 * times, dates, pids, ports, addresses, block ids) by 7·r, width preserved; the
 * constant text and identifiers like `jk2_init` stay. Timestamps rise by 10 ms a
 * line. The miner runs online over the replicated stream (one miner per data set),
 * the collector path: miner template -> SDK template text -> TemplateDictionary ->
 * log_templates (TemplateStore) and rows through LogsRowEncoder, as the exporter does.
 *
 * Sizes are after OPTIMIZE TABLE ... FINAL: `on disk` = system.parts bytes_on_disk
 * (columns, marks, primary index, skip indexes), `body` = compressed bytes of the
 * columns that hold the text (A: Body; B: Body+TemplateId+TemplateArgs; C:
 * RawBody+TemplateId+TemplateArgs), per line. (B) and (C) also need log_templates,
 * shown on its own row. Query times are the median of 5 runs after a warm-up.
 *
 * Round trip: for every replicated line, the Body read back from (C) must equal
 * the line byte for byte (and the TS renderer must agree before storage).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchInputPath, exitWithUsageError, REPO_ROOT, printTable } from './lib';
import { TemplateMiner } from '../processors/template/miner';
import { collectorTemplateOfMined, type CollectorTemplate } from '../processors/template/template-text';
import { LogBatchBuilder, type LogBatch } from '../collector/pipeline/batch';
import { openClickHouse, type ClickHouseStore } from '../collector/storage/clickhouse-client';
import { EncodeContext, LogsRowEncoder, type TableColumn } from '../collector/storage/clickhouse-logs-encoder';
import { createDatabaseSql, logsTableSql, type LogsTableOptions } from '../collector/storage/clickhouse-schema';
import {
  TemplateStore,
  renderLikeClickHouse,
  storedBodyOf,
  templatesDictionaryName,
  type TemplateTableOptions,
} from '../collector/storage/template-store';
import { TemplateDictionary } from '../collector/templates/dictionary';

const DATASETS = ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'OpenSSH', 'Apache', 'HealthApp'];
const DATABASE = 'bench';
const INSERT_ROWS = 50_000;
const QUERY_RUNS = 5;
const BASE_NS = 1_700_000_000_000_000_000n;
const STEP_NS = 10_000_000n;

interface Args {
  dir: string;
  replicas: number;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  let dir: string | undefined;
  let replicas = 100;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--replicas') replicas = Number(argv[++i]);
    else if (a === '--keep') keep = true;
    else dir = a;
  }
  if (!Number.isInteger(replicas) || replicas < 1) exitWithUsageError('--replicas needs a positive integer');
  return { dir: benchInputPath(dir, path.resolve(REPO_ROOT, '..', 'shared', 'data', 'loghub-2k'), '<loghub-2k dir>: the Loghub 2k samples (<dir>/<Dataset>/<Dataset>_2k.log)'), replicas, keep };
}

/** The lines of a file, exactly (a final newline ends the last line; it does not start another). */
function readLines(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Free-standing digit runs shifted by 7·r modulo their width (see the module comment). */
function shiftNumbers(line: string, r: number): string {
  if (r === 0) return line;
  return line.replace(/(?<![A-Za-z0-9])\d+(?![A-Za-z0-9])/g, (m) => {
    const keep = m.length > 15 ? m.slice(0, m.length - 15) : '';
    const tail = m.slice(keep.length);
    const mod = 10n ** BigInt(tail.length);
    const v = (BigInt(tail) + BigInt(7 * r)) % mod;
    return keep + v.toString().padStart(tail.length, '0');
  });
}

interface Dataset {
  name: string;
  file: string;
  original: string[];
  /** All replicas, in order. */
  lines: string[];
  ids: bigint[];
  args: string[][];
}

interface Variant {
  key: 'A' | 'B' | 'C';
  label: string;
  table: string;
  bodyColumns: string[];
}

const VARIANTS: Variant[] = [
  { key: 'A', label: '(A) contrib otel_logs, Body stored', table: 'a_contrib', bodyColumns: ['Body'] },
  { key: 'B', label: '(B) ours, Body + TemplateId + TemplateArgs', table: 'b_stored', bodyColumns: ['Body', 'TemplateId', 'TemplateArgs'] },
  { key: 'C', label: '(C) ours, Body rendered (ALIAS + dictGet)', table: 'c_rendered', bodyColumns: ['RawBody', 'TemplateId', 'TemplateArgs'] },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeQuery(store: ClickHouseStore, sql: string): Promise<{ ms: number; result: string }> {
  const first = await store.query(sql); // warm-up (also the result we compare)
  const times: number[] = [];
  for (let k = 0; k < QUERY_RUNS; k++) {
    const t0 = process.hrtime.bigint();
    await store.query(sql);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(times), result: JSON.stringify(first) };
}

function zstdBytes(input: Buffer): number {
  return execFileSync('zstd', ['-19', '-T2', '-q', '-c'], { input, maxBuffer: 1 << 30 }).length;
}

function mine(datasets: Dataset[], dictionary: TemplateDictionary): { templates: number; failures: number; ms: number } {
  let failures = 0;
  const t0 = Date.now();
  for (const d of datasets) {
    const miner = new TemplateMiner();
    const converted = new Map<bigint, CollectorTemplate>();
    for (let i = 0; i < d.lines.length; i++) {
      const line = d.lines[i];
      const r = miner.add(line);
      const timeMs = Number((BASE_NS + BigInt(i) * STEP_NS) / 1_000_000n);
      let t = converted.get(r.templateId);
      if (t === undefined) {
        t = collectorTemplateOfMined(r.template);
        converted.set(r.templateId, t);
        dictionary.define({ id: t.id, service: d.name, text: t.text, source: 'mined' }, timeMs);
      }
      d.ids.push(t.id);
      d.args.push(r.args);
      dictionary.noteUse(d.name, t.id, 1, timeMs);
      if (renderLikeClickHouse(t.parts, r.args) !== line) failures++;
    }
    for (const m of miner.templates()) {
      if (m.supersededBy === undefined) continue;
      const from = converted.get(m.id);
      const to = miner.template(m.supersededBy);
      if (from && to) dictionary.define({ id: from.id, service: d.name, text: from.text, source: 'mined', supersededBy: collectorTemplateOfMined(to.template).id });
    }
  }
  return { templates: dictionary.size, failures, ms: Date.now() - t0 };
}

function batchOf(d: Dataset, from: number, to: number): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: d.name }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'loghub', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = from; i < to; i++) {
    b.add(r, s, {
      timeUnixNano: BASE_NS + BigInt(i) * STEP_NS,
      severityNumber: 9,
      severityText: 'INFO',
      body: d.lines[i],
      templateId: d.ids[i],
      templateArgs: d.args[i],
    });
  }
  return b.batch;
}

async function columnsOf(store: ClickHouseStore, table: string): Promise<TableColumn[]> {
  const rows = await store.query<{ name: string; type: string; default_kind: string }>(
    'SELECT name, type, default_kind FROM system.columns WHERE database = {db:String} AND table = {t:String}',
    { db: DATABASE, t: table },
  );
  return rows.map((c) => ({ name: c.name, type: c.type, defaultKind: c.default_kind }));
}

async function load(store: ClickHouseStore, v: Variant, datasets: Dataset[], dictionary: TemplateDictionary, templates: TemplateStore): Promise<number> {
  const keepTemplates = v.key !== 'A';
  const encoder = new LogsRowEncoder(await columnsOf(store, v.table), 'JSONCompactEachRow', {
    rawBodyOf: (body, service, id, args) => {
      const t = id === 0n ? undefined : dictionary.get(service, id);
      return storedBodyOf(body, t === undefined ? undefined : templates.partsOf(id, t.text), args);
    },
  });
  const t0 = Date.now();
  for (const d of datasets) {
    for (let from = 0; from < d.lines.length; from += INSERT_ROWS) {
      const batch = batchOf(d, from, Math.min(d.lines.length, from + INSERT_ROWS));
      if (!keepTemplates) {
        batch.templateId.fill(0n);
        batch.templateArgs.fill([]);
      }
      const ctx = new EncodeContext();
      const lines: string[] = [];
      for (let i = 0; i < batch.length; i++) lines.push(encoder.encodeRow(batch, i, ctx, 0n)!);
      await store.insertFormatted({
        table: `${DATABASE}.${v.table}`,
        columns: encoder.columns,
        format: encoder.format,
        body: Buffer.from(lines.join(''), 'utf8'),
      });
    }
  }
  await store.command(`OPTIMIZE TABLE ${DATABASE}.${v.table} FINAL`);
  return Date.now() - t0;
}

async function sizes(store: ClickHouseStore, table: string, bodyColumns: string[]): Promise<{ rows: number; onDisk: number; body: number; perColumn: Map<string, number> }> {
  const parts = await store.query<{ rows: string; bytes: string }>(
    'SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = {db:String} AND table = {t:String} AND active',
    { db: DATABASE, t: table },
  );
  const cols = await store.query<{ name: string; bytes: string }>(
    'SELECT name, data_compressed_bytes AS bytes FROM system.columns WHERE database = {db:String} AND table = {t:String}',
    { db: DATABASE, t: table },
  );
  const perColumn = new Map(cols.map((c) => [c.name, Number(c.bytes)]));
  const body = bodyColumns.reduce((n, c) => n + (perColumn.get(c) ?? 0), 0);
  return { rows: Number(parts[0].rows), onDisk: Number(parts[0].bytes), body, perColumn };
}

async function roundTrip(store: ClickHouseStore, table: string, datasets: Dataset[]): Promise<{ checked: number; failures: number; examples: string[] }> {
  let checked = 0;
  let failures = 0;
  const examples: string[] = [];
  for (const d of datasets) {
    const rows = await store.query<{ Body: string }>(`SELECT Body FROM ${DATABASE}.${table} WHERE ServiceName = {s:String} ORDER BY Timestamp`, { s: d.name });
    if (rows.length !== d.lines.length) {
      failures += Math.abs(rows.length - d.lines.length);
      examples.push(`${d.name}: ${rows.length} rows read back, ${d.lines.length} written`);
    }
    const n = Math.min(rows.length, d.lines.length);
    for (let i = 0; i < n; i++) {
      checked++;
      if (rows[i].Body !== d.lines[i]) {
        failures++;
        if (examples.length < 5) examples.push(`${d.name}#${i}: ${JSON.stringify(rows[i].Body)} != ${JSON.stringify(d.lines[i])}`);
      }
    }
  }
  return { checked, failures, examples };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const datasets: Dataset[] = [];
  for (const name of DATASETS) {
    const file = path.join(args.dir, name, `${name}_2k.log`);
    if (!fs.existsSync(file)) continue;
    const original = readLines(file);
    const lines: string[] = [];
    for (let r = 0; r < args.replicas; r++) for (const l of original) lines.push(shiftNumbers(l, r));
    datasets.push({ name, file, original, lines, ids: [], args: [] });
  }
  if (datasets.length === 0) throw new Error(`no Loghub samples under ${args.dir}`);
  const totalLines = datasets.reduce((n, d) => n + d.lines.length, 0);
  const originalLines = datasets.reduce((n, d) => n + d.original.length, 0);
  const rawBytes = datasets.reduce((n, d) => n + d.lines.reduce((m, l) => m + Buffer.byteLength(l) + 1, 0), 0);
  console.log(`${datasets.length} data sets, ${originalLines} lines x ${args.replicas} replicas = ${totalLines} lines, ${(rawBytes / totalLines).toFixed(1)} raw bytes/line`);

  const dictionary = new TemplateDictionary();
  const mined = mine(datasets, dictionary);
  console.log(`mined ${mined.templates} templates in ${mined.ms} ms; TS round-trip failures: ${mined.failures}`);

  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-bench-storage-'));
  const store = await openClickHouse({ endpoint: `chdb://${folder}` });
  try {
    const caps = store.capabilities;
    const templateOpts: TemplateTableOptions = { database: DATABASE };
    const dictName = templatesDictionaryName(templateOpts);
    await store.command(createDatabaseSql({ database: DATABASE, table: 'x', ttlSeconds: 0 }));
    const templates = new TemplateStore(store, templateOpts, true);
    await templates.createSchema(true);
    await templates.flush(dictionary);
    for (const v of VARIANTS) {
      const opts: LogsTableOptions = {
        database: DATABASE,
        table: v.table,
        ttlSeconds: 0,
        body: v.key === 'C' ? 'rendered' : 'stored',
        templatesDictionary: dictName,
      };
      for (const sql of logsTableSql('full', caps, opts)) await store.command(sql);
    }

    const loadMs = new Map<string, number>();
    for (const v of VARIANTS) loadMs.set(v.key, await load(store, v, datasets, dictionary, templates));
    await store.command(`OPTIMIZE TABLE ${templates.tableName} FINAL`);
    const templateSize = await sizes(store, 'log_templates', []);

    const trip = await roundTrip(store, 'c_rendered', datasets);

    const queries = {
      search: (t: string) => `SELECT count() AS c FROM ${DATABASE}.${t} WHERE positionCaseInsensitive(Body, 'error') > 0`,
      like: (t: string) => `SELECT count() AS c FROM ${DATABASE}.${t} WHERE Body LIKE '%Received block%'`,
      grafana: (t: string) =>
        `SELECT Timestamp, Body, SeverityText FROM ${DATABASE}.${t} WHERE ServiceName = 'HDFS' AND TimestampTime >= toDateTime(1700000000) ` +
        `AND TimestampTime <= toDateTime(1800000000) AND positionCaseInsensitive(Body, 'exception') > 0 ORDER BY Timestamp DESC LIMIT 1000`,
      byTemplate: (t: string) =>
        `SELECT ServiceName, TemplateId, count() AS c FROM ${DATABASE}.${t} GROUP BY ServiceName, TemplateId ORDER BY c DESC, TemplateId LIMIT 20`,
    };
    const rows: (string | number)[][] = [];
    const results = new Map<string, string>();
    const perColumnRows: (string | number)[][] = [];
    for (const v of VARIANTS) {
      const s = await sizes(store, v.table, v.bodyColumns);
      const search = await timeQuery(store, queries.search(v.table));
      const like = await timeQuery(store, queries.like(v.table));
      const grafana = await timeQuery(store, queries.grafana(v.table));
      const byTemplate = v.key === 'A' ? undefined : await timeQuery(store, queries.byTemplate(v.table));
      for (const [q, r] of [['search', search], ['like', like], ['grafana', grafana]] as const) {
        const prev = results.get(q);
        if (prev !== undefined && prev !== r.result) console.log(`WARNING: ${q} differs for ${v.label}`);
        results.set(q, r.result);
      }
      rows.push([
        v.label,
        s.rows,
        s.onDisk,
        s.onDisk / s.rows,
        s.body / s.rows,
        search.ms,
        like.ms,
        grafana.ms,
        byTemplate ? byTemplate.ms : 'n/a',
        loadMs.get(v.key)!,
      ]);
      perColumnRows.push([v.label, ...['Body', 'RawBody', 'TemplateId', 'TemplateArgs', 'Timestamp'].map((c) => (s.perColumn.has(c) ? (s.perColumn.get(c)! / s.rows) : '-'))]);
    }
    rows.push([
      '    log_templates (needed by B and C)',
      templateSize.rows,
      templateSize.onDisk,
      templateSize.onDisk / totalLines,
      '',
      '',
      '',
      '',
      '',
      '',
    ]);

    const zOriginal = datasets.reduce((n, d) => n + zstdBytes(fs.readFileSync(d.file)), 0);
    const zReplicated = datasets.reduce((n, d) => n + zstdBytes(Buffer.from(d.lines.join('\n') + '\n', 'utf8')), 0);
    rows.push(['(D) zstd -19, original 2k files', originalLines, zOriginal, zOriginal / originalLines, zOriginal / originalLines, '', '', '', '', '']);
    rows.push(['(D) zstd -19, replicated text', totalLines, zReplicated, zReplicated / totalLines, zReplicated / totalLines, '', '', '', '', '']);
    rows.push(['raw text', totalLines, rawBytes, rawBytes / totalLines, rawBytes / totalLines, '', '', '', '', '']);

    printTable(
      `Storage per log line (Loghub 2k x ${args.replicas}, after OPTIMIZE FINAL; query ms = median of ${QUERY_RUNS}, chDB ${store.serverVersion.text})`,
      ['variant', 'rows', 'bytes on disk', 'B/line on disk', 'B/line body cols', 'search ms', 'LIKE ms', 'Grafana ms', 'by-template ms', 'load ms'],
      rows,
    );
    printTable('Compressed bytes per line by column', ['variant', 'Body', 'RawBody', 'TemplateId', 'TemplateArgs', 'Timestamp'], perColumnRows);
    console.log(`\nsearch = count() WHERE positionCaseInsensitive(Body, 'error') > 0 (full scan); LIKE = count() WHERE Body LIKE '%Received block%';`);
    console.log(`Grafana = logs panel query: ServiceName + time range + positionCaseInsensitive(Body, 'exception'), ORDER BY Timestamp DESC LIMIT 1000;`);
    console.log(`by-template = count() GROUP BY ServiceName, TemplateId (top 20). Query results were compared across variants.`);
    console.log(
      `\nround trip (miner -> SDK template text -> log_templates + TemplateArgs -> Body ALIAS): ${trip.checked} lines read back, ${trip.failures} failures` +
        (trip.examples.length ? '\n  ' + trip.examples.join('\n  ') : ''),
    );
    if (trip.failures > 0 || mined.failures > 0) process.exitCode = 1;
  } finally {
    await store.close();
    if (!args.keep) fs.rmSync(folder, { recursive: true, force: true });
    else console.log(`chDB data kept in ${folder}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
