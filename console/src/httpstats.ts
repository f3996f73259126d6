/**
 * HTTP statistics: requests/s and 5xx/s over time, latency quantiles (p50/p90/p99)
 * over time, status classes, top sections / paths / status codes, and the alert
 * history (raised / recovered), for a time range and an optional service / host.
 * The range is "the last N" (refreshed every 10 s) or fixed from/to; it lives in
 * the page URL so it can be shared and reloaded.
 */
import { getJson, API } from './api.js';
import { LineChart } from './chart.js';
import { clear, el, formatCount, formatRate } from './dom.js';
import { rateLabel } from './rate-span.js';
import { parseUtcInput, utcInputValue, utcRangeText, utcText } from './utc-time.js';

interface StatusClasses {
  '1xx': number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  other: number;
}
interface Point {
  t: number;
  hits: number;
  requestsPerSec: number;
  errors5xxPerSec: number;
  bytes: number;
  status: StatusClasses;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}
interface KeyCount {
  key: string;
  hits: number;
}
interface Alert {
  time: string;
  timeMs: number;
  sinceMs: number;
  rule: string;
  state: string;
  service: string;
  host: string;
  value: number;
  limit: number;
  message: string;
}
interface Stats {
  from: string;
  to: string;
  stepMs: number;
  source: string;
  series: Point[];
  /** The span the totals' per-second figures average over (from the first to the last step with data). */
  rateSpanMs: number;
  totals: Omit<Point, 't'> & { maxMs: number | null };
  sections: KeyCount[];
  paths: KeyCount[];
  statusCodes: KeyCount[];
  alerts: Alert[];
}

const RANGES: [string, string, number][] = [
  ['15m', 'last 15 minutes', 15 * 60_000],
  ['1h', 'last hour', 3_600_000],
  ['6h', 'last 6 hours', 6 * 3_600_000],
  ['24h', 'last 24 hours', 86_400_000],
  ['7d', 'last 7 days', 7 * 86_400_000],
  ['fixed', 'from … to', 0],
];

const ms = (v: number | null) => (v === null ? '–' : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(v >= 10 ? 1 : 2)} ms`);

function bytesText(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function mountHttpStats(app: HTMLElement, setStatus: (s: string) => void): () => void {
  const initial = new URLSearchParams(location.search);
  const input = (name: string, attrs: Record<string, string> = {}) => el('input', { name, id: `h-${name}`, value: initial.get(name) ?? '', ...attrs });
  const range = el('select', { name: 'range', id: 'h-range' });
  const chosen = initial.get('range') ?? (initial.get('from') ? 'fixed' : '1h');
  for (const [v, label] of RANGES) {
    const o = el('option', { value: v }, label);
    if (v === chosen) o.selected = true;
    range.append(o);
  }
  // Times are typed and shown in 24-hour UTC (utc-time.ts), like every console page.
  const from = input('from', { placeholder: 'YYYY-MM-DD hh:mm:ss', size: '19' });
  from.value = utcInputValue(initial.get('from'));
  const to = input('to', { placeholder: 'YYYY-MM-DD hh:mm:ss', size: '19' });
  to.value = utcInputValue(initial.get('to'));
  const form = el(
    'form',
    { class: 'search', id: 'httpstats-form' },
    el('label', {}, 'Service', input('service', { placeholder: 'all' })),
    el('label', {}, 'Host', input('host', { placeholder: 'all' })),
    el('label', {}, 'Range', range),
    el('label', {}, 'From (UTC)', from),
    el('label', {}, 'To (UTC)', to),
    el('button', { type: 'submit', id: 'httpstats-button' }, 'Show'),
  );
  const error = el('div', { class: 'error', id: 'httpstats-error' });
  const info = el('div', { class: 'notice', id: 'httpstats-info' });
  const cards = el('div', { class: 'cards', id: 'httpstats-cards' });
  const rateCanvas = el('canvas', { class: 'chart', id: 'httpstats-rate-chart' });
  const latencyCanvas = el('canvas', { class: 'chart small', id: 'httpstats-latency-chart' });
  const statusCanvas = el('canvas', { class: 'chart small', id: 'httpstats-status-chart' });
  /** Headers of numeric columns are right-aligned like their numbers (td.num). */
  const NUMERIC = new Set(['Requests', 'Share', 'Value', 'Limit']);
  const table = (id: string, head: string[]) => {
    const body = el('tbody');
    return { table: el('table', { id }, el('thead', {}, el('tr', {}, ...head.map((h) => el('th', NUMERIC.has(h) ? { class: 'num' } : {}, h)))), body), body };
  };
  const statusTable = table('httpstats-status', ['Class', 'Requests', 'Share']);
  const codesTable = table('httpstats-codes', ['Status', 'Requests']);
  const sectionsTable = table('httpstats-sections', ['Section', 'Requests']);
  const pathsTable = table('httpstats-paths', ['Path', 'Requests']);
  const alertsTable = table('httpstats-alerts', ['Time (UTC)', 'State', 'Rule', 'Service', 'Host', 'Value', 'Limit', 'Message']);
  app.append(
    form,
    error,
    info,
    cards,
    el('h2', {}, 'Requests/s and 5xx/s'),
    rateCanvas,
    el('div', { class: 'grid2' }, el('div', {}, el('h2', {}, 'Latency (p50 / p90 / p99)'), latencyCanvas), el('div', {}, el('h2', {}, 'Status classes (requests/s)'), statusCanvas)),
    el(
      'div',
      { class: 'grid2' },
      el('div', {}, el('h2', {}, 'Status classes'), statusTable.table, el('h2', {}, 'Status codes'), codesTable.table),
      el('div', {}, el('h2', {}, 'Top sections'), sectionsTable.table),
      el('div', {}, el('h2', {}, 'Top paths'), pathsTable.table),
    ),
    el('h2', {}, 'Alert history'),
    alertsTable.table,
  );
  const rateChart = new LineChart(rateCanvas);
  const latencyChart = new LineChart(latencyCanvas);
  const statusChart = new LineChart(statusCanvas);
  let stopped = false;
  let timer: number | undefined;
  let seq = 0;

  const params = (): URLSearchParams => {
    const q = new URLSearchParams();
    const data = new FormData(form);
    for (const f of ['service', 'host']) {
      const v = String(data.get(f) ?? '').trim();
      if (v) q.set(f, v);
    }
    const r = String(data.get('range') ?? '1h');
    if (r === 'fixed') {
      for (const [name, field] of [['from', from], ['to', to]] as const) {
        const iso = parseUtcInput(field.value);
        if (iso) q.set(name, iso);
      }
    } else {
      q.set('range', r);
    }
    return q;
  };

  const card = (label: string, value: string, id: string) => el('div', { class: 'card', id }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));

  const keyRows = (body: HTMLElement, list: KeyCount[]) => {
    clear(body);
    for (const k of list) body.append(el('tr', {}, el('td', {}, k.key), el('td', { class: 'num' }, formatCount(k.hits))));
    if (list.length === 0) body.append(el('tr', {}, el('td', { colspan: '2' }, 'No requests.')));
  };

  const render = (s: Stats) => {
    const t = s.totals;
    clear(cards);
    cards.append(
      card('Requests', formatCount(t.hits), 'hcard-hits'),
      card(rateLabel(s.rateSpanMs, Date.parse(s.to) - Date.parse(s.from)), formatRate(t.requestsPerSec), 'hcard-rate'),
      card('5xx', formatCount(t.status['5xx']), 'hcard-5xx'),
      card('Bytes', bytesText(t.bytes), 'hcard-bytes'),
      card('p50', ms(t.p50), 'hcard-p50'),
      card('p90', ms(t.p90), 'hcard-p90'),
      card('p99', ms(t.p99), 'hcard-p99'),
      card('Max', ms(t.maxMs), 'hcard-max'),
    );
    const times = s.series.map((p) => p.t);
    const num = (v: number | null) => (v === null ? NaN : v);
    const empty = { emptyText: 'no data in this range' };
    rateChart.draw(
      times,
      [
        { label: 'requests/s', color: '#2f6fde', values: s.series.map((p) => p.requestsPerSec) },
        { label: '5xx/s', color: '#c0392b', values: s.series.map((p) => p.errors5xxPerSec) },
      ],
      empty,
    );
    latencyChart.draw(
      times,
      [
        { label: 'p50', color: '#1e8e3e', values: s.series.map((p) => num(p.p50)) },
        { label: 'p90', color: '#8a6d00', values: s.series.map((p) => num(p.p90)) },
        { label: 'p99', color: '#c0392b', values: s.series.map((p) => num(p.p99)) },
      ],
      { ...empty, unit: ' ms' },
    );
    const perSec = (k: keyof StatusClasses) => s.series.map((p) => (p.status[k] * 1000) / s.stepMs);
    statusChart.draw(
      times,
      [
        { label: '2xx', color: '#1e8e3e', values: perSec('2xx') },
        { label: '3xx', color: '#2f6fde', values: perSec('3xx') },
        { label: '4xx', color: '#8a6d00', values: perSec('4xx') },
        { label: '5xx', color: '#c0392b', values: perSec('5xx') },
      ],
      empty,
    );
    clear(statusTable.body);
    for (const k of ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as (keyof StatusClasses)[]) {
      const n = t.status[k];
      statusTable.body.append(
        el('tr', { 'data-class': k }, el('td', {}, k), el('td', { class: 'num' }, formatCount(n)), el('td', { class: 'num' }, t.hits > 0 ? `${((n * 100) / t.hits).toFixed(1)}%` : '–')),
      );
    }
    keyRows(codesTable.body, s.statusCodes);
    keyRows(sectionsTable.body, s.sections);
    keyRows(pathsTable.body, s.paths);
    clear(alertsTable.body);
    for (const a of [...s.alerts].reverse()) {
      alertsTable.body.append(
        el(
          'tr',
          { class: `alert-row state-${a.state}` },
          el('td', { class: 'time' }, utcText(a.timeMs)),
          el('td', { class: `state-${a.state}` }, a.state === 'alert' ? 'raised' : 'recovered'),
          el('td', {}, a.rule),
          el('td', {}, a.service),
          el('td', {}, a.host),
          el('td', { class: 'num' }, formatRate(a.value)),
          el('td', { class: 'num' }, formatRate(a.limit)),
          el('td', {}, a.message),
        ),
      );
    }
    if (s.alerts.length === 0) alertsTable.body.append(el('tr', {}, el('td', { colspan: '8' }, 'No alerts in this range.')));
    info.textContent = `${utcRangeText(Date.parse(s.from), Date.parse(s.to))} · step ${s.stepMs / 1000} s · ${s.source === 'raw' ? 'raw rows' : `${s.source} rollup`}`;
    app.setAttribute('data-seq', String(++seq));
  };

  const load = async () => {
    const q = params();
    history.replaceState(null, '', `${location.pathname}${q.toString() ? `?${q}` : ''}`);
    const api = new URLSearchParams(q);
    const r = RANGES.find(([v]) => v === api.get('range'));
    api.delete('range');
    if (r && r[2] > 0) {
      const now = Date.now();
      api.set('from', String(now - r[2]));
      api.set('to', String(now));
    }
    try {
      render(await getJson<Stats>(`${API}/httpstats?${api}`));
      error.textContent = '';
      setStatus('');
    } catch (e) {
      error.textContent = (e as Error).message;
      app.setAttribute('data-seq', String(++seq));
    }
  };

  const loop = async () => {
    await load();
    // A relative range follows the clock; a fixed one does not change.
    if (!stopped && range.value !== 'fixed') timer = window.setTimeout(loop, 10_000);
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (timer !== undefined) clearTimeout(timer);
    void loop();
  });
  void loop();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
