/**
 * Log explorer: search by service, minimum severity, template id, function
 * (code.function), argument value (one of the template's arguments, exactly),
 * text and time range; newest first, paged by the server's time cursor; NDJSON and
 * CSV export of the same search. The search lives in the page URL so it can be
 * shared and reloaded.
 */
import { parseUtcInput, utcInputValue, utcRangeText } from './utc-time.js';
import { getJson, API } from './api.js';
import { clear, el } from './dom.js';

interface LogRow {
  timeNs: string;
  time: string;
  service: string;
  severityText: string;
  severityNumber: number;
  body: string;
  templateId: string;
  function?: string;
  args?: string[];
}

interface LogPage {
  rows: LogRow[];
  nextCursor?: string;
  from: string;
  to: string;
}

const FIELDS = ['service', 'severity', 'template', 'function', 'arg', 'text', 'from', 'to', 'limit'] as const;
/** Matched exactly by the server: surrounding spaces are kept. */
const EXACT_FIELDS: readonly string[] = ['function', 'arg'];

export function mountExplorer(app: HTMLElement, setStatus: (s: string) => void): () => void {
  const initial = new URLSearchParams(location.search);
  const input = (name: string, attrs: Record<string, string> = {}) => el('input', { name, id: `q-${name}`, value: initial.get(name) ?? '', ...attrs });
  const severity = el('select', { name: 'severity', id: 'q-severity' });
  for (const [v, label] of [['', 'any'], ['trace', 'trace+'], ['debug', 'debug+'], ['info', 'info+'], ['warn', 'warn+'], ['error', 'error+'], ['fatal', 'fatal']]) {
    const o = el('option', { value: v }, label);
    if ((initial.get('severity') ?? '') === v) o.selected = true;
    severity.append(o);
  }
  // Times are typed and shown in 24-hour UTC, like the Time (UTC) column (utc-time.ts).
  const from = input('from', { placeholder: 'YYYY-MM-DD hh:mm:ss', size: '19' });
  from.value = utcInputValue(initial.get('from'));
  const to = input('to', { placeholder: 'YYYY-MM-DD hh:mm:ss', size: '19' });
  to.value = utcInputValue(initial.get('to'));
  const form = el(
    'form',
    { class: 'search', id: 'search-form' },
    el('label', {}, 'Service', input('service', { placeholder: 'any' })),
    el('label', {}, 'Severity', severity),
    el('label', {}, 'Template id', input('template', { placeholder: 'any', size: '18' })),
    el('label', {}, 'Function', input('function', { placeholder: 'any', size: '13' })),
    el('label', {}, 'Argument value', input('arg', { placeholder: 'any', size: '13' })),
    el('label', {}, 'Text', input('text', { placeholder: 'contains…', size: '20' })),
    el('label', {}, 'From (UTC)', from),
    el('label', {}, 'To (UTC)', to),
    el('label', {}, 'Rows', input('limit', { type: 'number', min: '1', max: '1000', placeholder: '100', size: '5' })),
    el('button', { type: 'submit', id: 'search-button' }, 'Search'),
  );
  const exportLink = el('a', { id: 'export-link', download: 'logs.ndjson' }, 'Export NDJSON');
  const exportCsvLink = el('a', { id: 'export-csv-link', download: 'logs.csv' }, 'Export CSV');
  const error = el('div', { class: 'error', id: 'search-error' });
  const tbody = el('tbody', { id: 'results-body' });
  const table = el(
    'table',
    { id: 'results' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Time (UTC)'), el('th', {}, 'Service'), el('th', {}, 'Severity'), el('th', {}, 'Body'), el('th', {}, 'Function'), el('th', {}, 'Template'))),
    tbody,
  );
  const newest = el('button', { type: 'button', id: 'page-newest' }, '⇤ Newest');
  const older = el('button', { type: 'button', id: 'page-older' }, 'Older →');
  const pageInfo = el('span', { id: 'page-info' });
  app.append(form, el('div', { class: 'pager' }, newest, older, pageInfo, exportLink, exportCsvLink), error, table);

  const params = (): URLSearchParams => {
    const q = new URLSearchParams();
    const data = new FormData(form);
    for (const f of FIELDS) {
      const raw = String(data.get(f) ?? '');
      let v = EXACT_FIELDS.includes(f) ? raw : raw.trim();
      // Unreadable text goes as typed: the API answers with an error naming the field.
      if (f === 'from' || f === 'to') v = parseUtcInput(v) ?? v;
      if (v) q.set(f, v);
    }
    return q;
  };

  let cursors: string[] = [];
  let current = '';
  let next: string | undefined;
  /** Counts rendered result pages (data-seq on the table), so scripts and tests can tell a new page from the old one. */
  let seq = 0;

  const run = async (cursor: string) => {
    const q = params();
    history.replaceState(null, '', `${location.pathname}${q.toString() ? `?${q}` : ''}`);
    // Export covers the same search from its newest row, with the time range frozen.
    const exportQuery = new URLSearchParams(q);
    if (cursor) q.set('cursor', cursor);
    error.textContent = '';
    try {
      const page = await getJson<LogPage>(`${API}/logs?${q}`);
      if (!exportQuery.has('to')) exportQuery.set('to', page.to);
      if (!exportQuery.has('from')) exportQuery.set('from', page.from);
      exportLink.setAttribute('href', `${API}/logs/export?${exportQuery}`);
      exportCsvLink.setAttribute('href', `${API}/logs/export.csv?${exportQuery}`);
      current = cursor;
      next = page.nextCursor;
      clear(tbody);
      for (const r of page.rows) {
        tbody.append(
          el(
            'tr',
            { class: 'log-row' },
            el('td', { class: 'time', title: r.timeNs }, r.time.replace('T', ' ').replace('Z', '')),
            el('td', {}, r.service),
            el('td', {}, r.severityText),
            el('td', { class: 'body' }, r.body),
            el('td', { class: 'function' }, r.function ?? ''),
            el('td', { class: 'template' }, r.templateId === '0' ? '' : r.templateId),
          ),
        );
      }
      if (page.rows.length === 0) tbody.append(el('tr', {}, el('td', { colspan: '6' }, 'No records match.')));
      table.setAttribute('data-seq', String(++seq));
      older.disabled = !next;
      newest.disabled = cursors.length === 0;
      pageInfo.textContent = `page ${cursors.length + 1} · ${page.rows.length} rows · ${utcRangeText(Date.parse(page.from), Date.parse(page.to))}`;
      setStatus('');
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    cursors = [];
    void run('');
  });
  older.addEventListener('click', () => {
    if (!next) return;
    cursors.push(current);
    void run(next);
  });
  newest.addEventListener('click', () => {
    cursors = [];
    void run('');
  });
  void run('');
  return () => undefined;
}
