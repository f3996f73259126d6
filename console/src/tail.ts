/**
 * Live tail: replays the stored records since a time, then shows new ones as
 * the collector accepts them (Server-Sent Events from /api/v1/console/tail; the
 * server guarantees no gap and no duplicate at the replay/live seam). Pause
 * closes the stream and Resume continues it exactly where it stopped (the last
 * event id, within the server's 30 s grace). Rows are built with textContent only.
 *
 * Rendering stays cheap however fast records come (a replay sends tens of
 * thousands at once): records are queued and drawn once per animation frame,
 * and only the rows in view are in the DOM (row-window.ts), at one fixed height
 * (one line per record, long bodies cut with an ellipsis and shown whole in the
 * tooltip). While replaying, the state shows how far the replay got. Rows are in
 * time order (tail-rows.ts: a record arriving after a later one of another service
 * is inserted where its time belongs).
 */
import { insertInTimeOrder, tailTimeText } from './tail-rows.js';
import { API } from './api.js';
import { clear, el, formatCount } from './dom.js';
import { replayProgress, rowWindow } from './row-window.js';

interface TailRecord {
  timeNs: string;
  time: string;
  service: string;
  severityText: string;
  severityNumber: number;
  body: string;
  phase: 'replay' | 'live';
}

/** Records kept on the page (scrollable); older ones are dropped as new ones arrive. */
const MAX_ROWS = 5000;
/** Rows rendered above and below the visible ones (see row-window.ts). */
const OVERSCAN = 20;

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
  const table = el(
    'table',
    { id: 'tail-table' },
    el('colgroup', {}, el('col', { class: 'time' }), el('col', { class: 'service' }), el('col', { class: 'severity' }), el('col', {})),
    el('thead', {}, el('tr', {}, el('th', {}, 'Time (UTC)'), el('th', {}, 'Service'), el('th', {}, 'Severity'), el('th', {}, 'Body'))),
    tbody,
  );
  // Spacers stand in for the rows outside the rendered window (row-window.ts).
  const topPad = el('div', { class: 'tail-pad' });
  const bottomPad = el('div', { class: 'tail-pad' });
  const scroller = el('div', { id: 'tail-scroller' }, topPad, table, bottomPad);
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
  /** The replay's time range (from the `start` event), for its progress. */
  let replaySinceMs = 0;
  let replayUntilMs = 0;
  let lastReplayedMs: number | undefined;
  let replaying = false;

  /**
   * Records arrive as fast as the stream delivers them (tens of thousands during
   * a replay); they are queued here and drawn once per animation frame, and only
   * the rows in view are in the DOM: one layout per frame, of a bounded table.
   */
  let records: TailRecord[] = [];
  let incoming: TailRecord[] = [];
  let frame = 0;
  /** Row height in px, measured from the first rendered row. */
  let rowPx = 0;
  let shown = { first: -1, end: -1 };

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

  const rowOf = (r: TailRecord) =>
    el(
      'tr',
      { class: `tail-row ${r.phase}`, 'data-phase': r.phase },
      el('td', { class: 'time', title: r.time }, tailTimeText(r.time)),
      el('td', {}, r.service),
      el('td', {}, r.severityText),
      el('td', { class: 'body', title: r.body }, r.body),
    );

  /** Renders the rows in view (rebuilt only when the window moved or the records changed). */
  const render = (force: boolean) => {
    const headPx = table.tHead?.offsetHeight ?? 0;
    const viewPx = Math.max(scroller.clientHeight, globalThis.innerHeight * 0.7);
    const w = rowWindow(records.length, rowPx || 24, scroller.scrollTop - headPx, viewPx, OVERSCAN);
    if (!force && w.first === shown.first && w.end === shown.end) return;
    shown = { first: w.first, end: w.end };
    const rows = document.createDocumentFragment();
    for (let i = w.first; i < w.end; i++) rows.append(rowOf(records[i]));
    clear(tbody);
    tbody.append(rows);
    topPad.style.height = `${w.topPx}px`;
    bottomPad.style.height = `${w.bottomPx}px`;
    if (!rowPx && tbody.firstElementChild) {
      rowPx = (tbody.firstElementChild as HTMLElement).offsetHeight || 24;
      render(true);
    }
  };

  /**
   * One animation frame: take the queued records, trim to MAX_ROWS, draw the rows
   * in view. Also the frame after a scroll (one scheduler, so records queued
   * meanwhile are never left undrawn); auto-scroll follows new records only, so
   * scrolling up to read is not undone until more arrive.
   */
  const drawFrame = () => {
    frame = 0;
    const stick = autoScroll.checked;
    const added = incoming.length > 0;
    if (added) {
      // Services' batches interleave on arrival: each record goes where its time belongs.
      records = insertInTimeOrder(records, incoming);
      incoming = [];
      const excess = records.length - MAX_ROWS;
      if (excess > 0) {
        records = records.slice(excess);
        // Keep what the reader looks at in place while older rows go.
        if (!stick) scroller.scrollTop -= excess * (rowPx || 24);
      }
    }
    render(added);
    if (stick && added) {
      scroller.scrollTop = scroller.scrollHeight;
      render(false);
    }
    showCounts();
    if (replaying) {
      const p = replayProgress(replayed, lastReplayedMs, replaySinceMs, replayUntilMs);
      state.setAttribute('data-progress', String(p.percent));
      state.textContent = p.text;
    }
  };
  const scheduleFrame = () => {
    if (!frame) frame = requestAnimationFrame(drawFrame);
  };
  scroller.addEventListener('scroll', scheduleFrame);

  const addRecord = (r: TailRecord) => {
    incoming.push(r);
    // A hidden tab draws no frames: keep only what would survive the trim anyway.
    if (incoming.length > 2 * MAX_ROWS) incoming = incoming.slice(incoming.length - MAX_ROWS);
    scheduleFrame();
  };

  const resetRows = () => {
    records = [];
    incoming = [];
    shown = { first: -1, end: -1 };
    clear(tbody);
    topPad.style.height = bottomPad.style.height = '0px';
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
      const info = JSON.parse((ev as MessageEvent).data) as { since: string; until: string; resumed: boolean };
      replaySinceMs = Date.parse(info.since);
      replayUntilMs = Date.parse(info.until);
      // A resumed session continues where it stopped: still replaying, or already live.
      if (info.resumed && !replaying) setState('live', 'live');
      else setState('replay', info.resumed ? 'resumed' : `replaying since ${info.since.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`);
      replaying = !info.resumed || replaying;
    });
    es.addEventListener('record', (ev) => {
      track(ev as MessageEvent);
      const r = JSON.parse((ev as MessageEvent).data) as TailRecord;
      if (r.phase === 'replay') {
        replayed++;
        lastReplayedMs = Number(BigInt(r.timeNs) / 1_000_000n);
      } else live++;
      addRecord(r);
    });
    es.addEventListener('live', (ev) => {
      track(ev as MessageEvent);
      replaying = false;
      state.removeAttribute('data-progress');
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
    resetRows();
    lastEventId = '';
    replayed = live = dropped = 0;
    lastReplayedMs = undefined;
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
  return () => {
    source?.close();
    if (frame) cancelAnimationFrame(frame);
  };
}
