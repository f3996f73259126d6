/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for checking
 * what /metrics serves (tests) and reading a running collector's gauges (bench/soak).
 * Throws on the first line that is not valid, naming it.
 */
export interface Sample {
  /** The sample's own name (e.g. `x_bucket` of histogram `x`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+(-?\\d+))?$`);
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`invalid sample value in line: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`invalid labels in line: ${line}`);
    const name = text.slice(i, eq).trim();
    if (!LABEL_NAME.test(name) || name in labels) throw new Error(`invalid or repeated label name "${name}" in line: ${line}`);
    if (text[eq + 1] !== '"') throw new Error(`label value must be quoted in line: ${line}`);
    let j = eq + 2;
    let value = '';
    for (;;) {
      if (j >= text.length) throw new Error(`unterminated label value in line: ${line}`);
      const ch = text[j];
      if (ch === '"') break;
      if (ch === '\\') {
        const next = text[j + 1];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`invalid escape in label value in line: ${line}`);
        j += 2;
        continue;
      }
      if (ch === '\n') throw new Error(`raw newline in label value in line: ${line}`);
      value += ch;
      j++;
    }
    labels[name] = value;
    i = j + 1;
    if (i < text.length) {
      if (text[i] !== ',') throw new Error(`expected "," between labels in line: ${line}`);
      i++;
    }
  }
  return labels;
}

/** The family a sample name belongs to (histogram/summary suffixes resolved against declared types). */
function familyOf(sampleName: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const f = families.get(sampleName.slice(0, -suffix.length));
    if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f;
  }
  return undefined;
}

/**
 * Parses an exposition; every sample must follow a # TYPE line of its family
 * (as our /metrics always writes one), each family is declared once, histogram
 * buckets are cumulative and end with le="+Inf" equal to _count.
 */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const helps = new Map<string, string>();
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const help = HELP.exec(line);
      if (help) {
        if (helps.has(help[1])) throw new Error(`second HELP for ${help[1]}`);
        helps.set(help[1], help[2]);
        continue;
      }
      const type = TYPE.exec(line);
      if (type) {
        if (families.has(type[1])) throw new Error(`second TYPE for ${type[1]}`);
        families.set(type[1], { name: type[1], type: type[2] as MetricFamily['type'], help: helps.get(type[1]) ?? '', samples: [] });
        continue;
      }
      if (/^# (HELP|TYPE) /.test(line)) throw new Error(`invalid ${line.slice(2, 6)} line: ${line}`);
      continue; // a comment
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`invalid sample line: ${line}`);
    const family = familyOf(m[1], families);
    if (!family) throw new Error(`sample of an undeclared metric: ${line}`);
    family.samples.push({ name: m[1], labels: m[2] ? parseLabels(m[2], line) : {}, value: parseValue(m[3], line) });
  }
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: MetricFamily): void {
  const bySeries = new Map<string, { buckets: { le: number; v: number }[]; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let e = bySeries.get(key);
    if (!e) bySeries.set(key, (e = { buckets: [] }));
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}_bucket without le`);
      e.buckets.push({ le: parseValue(le, `le="${le}"`), v: s.value });
    } else if (s.name === `${f.name}_count`) e.count = s.value;
    else if (s.name === `${f.name}_sum`) e.sum = s.value;
    else throw new Error(`unexpected sample ${s.name} in histogram ${f.name}`);
  }
  for (const [key, e] of bySeries) {
    const where = `histogram ${f.name} ${key}`;
    if (e.count === undefined || e.sum === undefined) throw new Error(`${where}: missing _count or _sum`);
    for (let i = 1; i < e.buckets.length; i++) {
      if (!(e.buckets[i].le > e.buckets[i - 1].le)) throw new Error(`${where}: buckets not in increasing le order`);
      if (e.buckets[i].v < e.buckets[i - 1].v) throw new Error(`${where}: buckets not cumulative`);
    }
    const last = e.buckets[e.buckets.length - 1];
    if (!last || last.le !== Infinity) throw new Error(`${where}: no le="+Inf" bucket`);
    if (last.v !== e.count) throw new Error(`${where}: +Inf bucket ${last.v} != _count ${e.count}`);
  }
}

/** Sum of a family's samples (of `sampleName`, default the family name) whose labels include `labels`. */
export function sampleValue(families: Map<string, MetricFamily>, family: string, labels: Record<string, string> = {}, sampleName = family): number {
  const f = families.get(family);
  if (!f) return 0;
  let sum = 0;
  for (const s of f.samples) {
    if (s.name !== sampleName) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}
