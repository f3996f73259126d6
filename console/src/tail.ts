/**
 * Live tail: replays the stored records since a time, then shows new ones as
 * the collector accepts them (Server-Sent Events from /api/v1/console/tail; the
 * server guarantees no gap and no duplicate at the replay/live seam). Pause
 * closes the stream and Resume continues it exactly where it stopped (the last
 * event id, within the server's 30 s grace). Rows are built with textContent only.
 */
import { API } from './api.js';
import { el, formatCount } from './dom.js';

interface TailRecord {
  timeNs: string;
  time: string;
  service: string;
  severityText: string;
  severityNumber: number;
  body: string;
  phase: 'replay' | 'live';
}

/** Rows kept on the page; older ones are removed as new ones arrive. */
const MAX_ROWS = 5000;

export function mountTail(app: HTMLElement, setStatus: (s: string) => void): () => void {
  const initial = new URLSearchParams(location.search);
  const input = (name: string, attrs: Record<string, string> = {}) => el('input', { name, id: `tail-${name}`, value: initial.get(name) ?? '', ...attrs });
  const since = input('since', { placeholder: '5m, 1h or an ISO time', size: '22' });
  if (!since.value) since.value = '5m';
  const severity = el('select', { name: 'severity', id: 'tail-severity' });
  for (const [v, label] of [['', 'any'], ['trace', 'trace+'], ['debug', 'debug+'], ['info', 'info+'], ['warn', 'warn+'], ['error', 'error+'], ['fatal', 'fatal']]) {
    const o = el('option', { value: v }, label);
    if ((initial.get('severity') ?? '') === v) o.selected = true;
    severity.append(o);
  }
  const autoScroll = el('input', { type: 'checkbox', id: 'tail-autoscroll' });
  autoScroll.checked = true;
  const startButton = el('button', { type: 'submit', id: 'tail-start' }, 'Start');
  const pauseButton = el('button', { type: 'button', id: 'tail-pause' }, 'Pause');
  pauseButton.disabled = true;
  const form = el(
    'form',
    { class: 'search', id: 'tail-form' },
    el('label', {}, 'Since', since),
    el('label', {}, 'Service', input('service', { placeholder: 'any' })),
    el('label', {}, 'Severity', severity),
    el('label', {}, 'Text', input('text', { placeholder: 'contains…', size: '30' })),
    startButton,
    pauseButton,
    el('label', {}, 'Auto-scroll', autoScroll),
  );
  const state = el('span', { id: 'tail-state', 'data-state': 'idle' }, 'idle');
  const counts = el('span', { id: 'tail-counts', class: 'notice' });
  const notice = el('div', { class: 'notice', id: 'tail-notice' });
  const error = el('div', { class: 'error', id: 'tail-error' });
  const tbody = el('tbody', { id: 'tail-rows' });
  const table = el('table', { id: 'tail-table' }, el('thead', {}, el('tr', {}, el('th', {}, 'Time (UTC)'), el('th', {}, 'Service'), el('th', {}, 'Severity'), el('th', {}, 'Body'))), tbody);
  const scroller = el('div', { id: 'tail-scroller' }, table);
  // CSSOM, not a style attribute: the console's CSP allows no inline styles.
  scroller.style.maxHeight = '70vh';
  scroller.style.overflow = 'auto';
  app.append(form, el('div', { class: 'pager' }, state, counts), notice, error, scroller);

  let source: EventSource | undefined;
  let lastEventId = '';
  let query = '';
  let replayed = 0;
  let live = 0;
  let dropped = 0;

  const setState = (s: string, text = s) => {
    state.setAttribute('data-state', s);
    state.textContent = text;
  };
  const showCounts = () => {
    counts.textContent = `${formatCount(replayed)} replayed · ${formatCount(live)} live${dropped ? ` · ${formatCount(dropped)} dropped (too slow)` : ''}`;
  };

  const params = (): URLSearchParams => {
    const q = new URLSearchParams();
    const data = new FormData(form);
    for (const f of ['since', 'service', 'severity', 'text']) {
      const v = String(data.get(f) ?? '').trim();
      if (v) q.set(f, v);
    }
    return q;
  };

  const addRow = (r: TailRecord) => {
    const stick = autoScroll.checked;
    tbody.append(
      el(
        'tr',
        { class: `tail-row ${r.phase}`, 'data-phase': r.phase },
        el('td', { class: 'time', title: r.timeNs }, r.time.replace('T', ' ').replace('Z', '')),
        el('td', {}, r.service),
        el('td', {}, r.severityText),
        el('td', { class: 'body' }, r.body),
      ),
    );
    while (tbody.childElementCount > MAX_ROWS) tbody.firstElementChild?.remove();
    if (stick) scroller.scrollTop = scroller.scrollHeight;
  };

  /** Why a stream could not open: EventSource does not expose the HTTP status, so ask once with fetch. */
  const explainFailure = async (url: string) => {
    const abort = new AbortController();
    try {
      const res = await fetch(url, { credentials: 'same-origin', signal: abort.signal });
      if (!res.ok) {
        const text = await res.text();
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {
          /* not JSON */
        }
        error.textContent = `${res.status}: ${message}`;
      }
    } catch (e) {
      error.textContent = `the collector is unreachable (${(e as Error).message})`;
    } finally {
      abort.abort();
    }
  };

  const open = (resume: boolean) => {
    source?.close();
    const q = new URLSearchParams(query);
    if (resume && lastEventId) q.set('lastEventId', lastEventId);
    const url = `${API}/tail?${q}`;
    const es = new EventSource(url);
    source = es;
    error.textContent = '';
    setState('connecting', 'connecting…');
    pauseButton.disabled = false;
    pauseButton.textContent = 'Pause';
    const track = (ev: MessageEvent) => {
      if (ev.lastEventId) lastEventId = ev.lastEventId;
    };
    es.addEventListener('start', (ev) => {
      track(ev as MessageEvent);
      const info = JSON.parse((ev as MessageEvent).data) as { since: string; resumed: boolean };
      setState('replay', info.resumed ? 'resumed' : `replaying since ${info.since.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`);
    });
    es.addEventListener('record', (ev) => {
      track(ev as MessageEvent);
      const r = JSON.parse((ev as MessageEvent).data) as TailRecord;
      if (r.phase === 'replay') replayed++;
      else live++;
      addRow(r);
      showCounts();
    });
    es.addEventListener('live', (ev) => {
      track(ev as MessageEvent);
      setState('live', 'live');
    });
    es.addEventListener('dropped', (ev) => {
      track(ev as MessageEvent);
      const d = JSON.parse((ev as MessageEvent).data) as { count: number };
      dropped += d.count;
      notice.textContent = `${formatCount(dropped)} records were dropped for this page because it fell behind.`;
      showCounts();
    });
    es.addEventListener('notice', (ev) => {
      track(ev as MessageEvent);
      notice.textContent = (JSON.parse((ev as MessageEvent).data) as { message: string }).message;
    });
    es.addEventListener('error', (ev) => {
      const data = (ev as MessageEvent).data;
      if (typeof data === 'string' && data) {
        // The server's own error event: the tail ended.
        error.textContent = (JSON.parse(data) as { error: string }).error;
        es.close();
        setState('stopped', 'stopped');
        return;
      }
      if (es.readyState === EventSource.CLOSED) {
        setState('stopped', 'stopped');
        void explainFailure(url);
      } else {
        setState('reconnecting', 'reconnecting…');
      }
    });
    setStatus('');
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    query = params().toString();
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}`);
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    lastEventId = '';
    replayed = live = dropped = 0;
    notice.textContent = '';
    showCounts();
    open(false);
  });

  pauseButton.addEventListener('click', () => {
    if (source) {
      source.close();
      source = undefined;
      setState('paused', 'paused');
      pauseButton.textContent = 'Resume';
    } else {
      open(true);
    }
  });

  query = params().toString();
  showCounts();
  open(false);
  return () => source?.close();
}
