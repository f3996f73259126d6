/**
 * The storage side of templates, without a server: template text <-> parts (the
 * SDK escape rule), what the rendered Body computes, when a body must be stored,
 * the mined-template conversion, and the log_templates DDL per server kind.
 */
import { renderTemplateText, templateTextOf } from '../../sdk/templates';
import { templateIdOf } from '../../protocol/template-id';
import { TemplateMiner, renderTemplate } from '../../processors/template/miner';
import { collectorTemplateOfMined } from '../../processors/template/template-text';
import {
  renderedBodyColumns,
  renderedBodyExpression,
  renderLikeClickHouse,
  storedBodyOf,
  templatePartsOf,
  templatesDictionarySql,
  templatesTableSql,
  supportsRenderedBody,
} from '../../collector/storage/template-store';
import { logsTableSql } from '../../collector/storage/clickhouse-schema';
import { capabilitiesForVersion, parseServerVersion } from '../../collector/storage/clickhouse-version';

const v = (text: string) => parseServerVersion(text);

/** Deterministic pseudo-random strings rich in the characters the escape rules care about. */
function* tricky(seed: number, count: number): Generator<string> {
  const alphabet = ['{', '}', '{}', '\\', '\\\\', '<*>', '<\\*>', 'a', ' ', '\t', 'ü', '😀', '%s'];
  let x = seed;
  for (let k = 0; k < count; k++) {
    let s = '';
    const n = (x = (x * 1103515245 + 12345) >>> 0) % 7;
    for (let i = 0; i < n; i++) s += alphabet[(x = (x * 1103515245 + 12345) >>> 0) % alphabet.length];
    yield s;
  }
}

describe('template text and parts', () => {
  test('parts survive the SDK escape rule, and the SQL rendering equals the SDK rendering', () => {
    const strings = [...tricky(7, 600)];
    for (let k = 0; k + 3 <= strings.length; k += 3) {
      const parts = strings.slice(k, k + 3);
      const text = templateTextOf(parts);
      expect(templatePartsOf(text)).toEqual(parts);
      const args = ['x{}', '\\'];
      expect(renderLikeClickHouse(templatePartsOf(text), args)).toBe(renderTemplateText(text, args));
    }
  });

  test('missing arguments render empty; the k-th part is followed by the k-th argument', () => {
    expect(renderLikeClickHouse(['a ', ' b ', '.'], ['1'])).toBe('a 1 b .');
    // One argument too many follows the last part, more are not shown (what the SQL does: arrayResize).
    expect(renderLikeClickHouse(['a ', '.'], ['1', '2', '3'])).toBe('a 1.2');
    expect(renderLikeClickHouse(['just text'], [])).toBe('just text');
  });

  test('a body is stored only when its template would not reproduce it', () => {
    const parts = ['user ', ' paid'];
    expect(storedBodyOf('user ann paid', parts, ['ann'])).toBe('');
    expect(storedBodyOf('user ann paid!', parts, ['ann'])).toBe('user ann paid!');
    expect(storedBodyOf('anything', undefined, [])).toBe('anything');
    expect(storedBodyOf('', parts, ['x'])).toBe('');
  });

  test('mined templates convert to SDK syntax with the same rendering; ids are hashes of the SDK text', () => {
    const miner = new TemplateMiner();
    const lines = ['copy {} to C:\\temp\\ took 5 ms', 'copy {} to C:\\temp\\ took 17 ms', 'a <*> b <\\*> c 1', 'a <*> b <\\*> c 2', 'x\\{}y 3'];
    for (const line of lines) {
      const r = miner.add(line);
      const t = collectorTemplateOfMined(r.template);
      expect(renderTemplate(r.template, r.args)).toBe(line);
      expect(renderTemplateText(t.text, r.args)).toBe(line);
      expect(renderLikeClickHouse(t.parts, r.args)).toBe(line);
      expect(t.id).toBe(templateIdOf(t.text));
    }
    expect(collectorTemplateOfMined('user <*> logged in').text).toBe('user {} logged in');
  });
});

describe('log_templates DDL', () => {
  const opts = { database: 'otel' };

  test('full servers: ReplacingMergeTree per writer, a merged view, a dictionary of parts', () => {
    const [table, view] = templatesTableSql('full', opts);
    expect(table).toContain('CREATE TABLE IF NOT EXISTS `otel`.`log_templates` (');
    for (const c of ['ServiceName LowCardinality(String)', 'TemplateId UInt64', 'Text String CODEC(ZSTD(1))', 'Parts Array(String)', 'FirstSeen DateTime64(3)', 'Count UInt64', 'SupersededBy UInt64', 'WriterId String', 'Version UInt64']) {
      expect(table).toContain(c);
    }
    expect(table).toContain('ENGINE = ReplacingMergeTree(Version)\nORDER BY (ServiceName, TemplateId, WriterId)');
    expect(view).toContain('CREATE VIEW IF NOT EXISTS `otel`.`log_templates_merged` AS');
    expect(view).toContain('sum(w_count) AS Count');
    expect(view).toContain('max(Count) AS w_count');
    const dict = templatesDictionarySql({ ...opts, username: 'u', password: "p'w" });
    expect(dict).toContain('CREATE DICTIONARY IF NOT EXISTS `otel`.`log_templates_dict`');
    expect(dict).toContain("USER 'u' PASSWORD 'p\\'w'");
    expect(dict).toContain('LAYOUT(HASHED_ARRAY())');
  });

  test('18.16: no LowCardinality, codecs or DateTime64; a Replicated logs engine replicates this table too', () => {
    const [table, view] = templatesTableSql('legacy', { ...opts, clusterName: 'c1', tableEngine: { name: 'ReplicatedMergeTree', params: "'/t/{shard}/{table}', '{replica}'" } });
    for (const unsupported of ['LowCardinality', 'CODEC', 'DateTime64']) expect(table).not.toContain(unsupported);
    expect(table).toContain('FirstSeen DateTime,');
    expect(table).toContain("ENGINE = ReplicatedReplacingMergeTree('/t/{shard}/{table}', '{replica}', Version)");
    expect(table).toContain('ON CLUSTER `c1`');
    expect(view).toContain('ON CLUSTER `c1`');
  });

  test('rendered Body: RawBody stored, Body an ALIAS over the dictionary; only servers from 22.3', () => {
    expect(renderedBodyColumns('`otel`.`log_templates_dict`')).toEqual([
      'RawBody String CODEC(ZSTD(1))',
      `Body String ALIAS ${renderedBodyExpression('`otel`.`log_templates_dict`')}`,
    ]);
    expect(renderedBodyExpression('`otel`.`log_templates_dict`')).toContain("dictGet('otel.log_templates_dict', 'Parts', TemplateId)");
    const [sql] = logsTableSql('full', capabilitiesForVersion(v('24.8')), {
      database: 'otel',
      table: 'otel_logs',
      ttlSeconds: 0,
      body: 'rendered',
      templatesDictionary: '`otel`.`log_templates_dict`',
    });
    expect(sql).toContain('    RawBody String CODEC(ZSTD(1)),\n    Body String ALIAS if(TemplateId = 0');
    expect(sql).not.toContain('idx_body');
    expect(supportsRenderedBody(v('18.16.1'))).toBe(false);
    expect(supportsRenderedBody(v('22.3.1'))).toBe(true);
    expect(supportsRenderedBody(v('26.7.2.1'))).toBe(true);
  });
});
