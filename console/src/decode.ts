/**
 * Offline decode: pick a logfun log file (the SDK's `transport: 'file'` output),
 * the console decodes it (POST /decode) and streams the records back; they are
 * shown as plain text lines as they arrive. A damaged or truncated file shows
 * every record before the damage and says what was wrong.
 */
import { API } from './api.js';
import { countOf, el } from './dom.js';

/** The server's upload bound (collector/console/decode-upload.ts DECODE_MAX_UPLOAD_BYTES). */
const MAX_UPLOAD_BYTES = 8 << 20;

interface DoneEvent {
  done: true;
  records: number;
  frames: number;
  sessions: number;
  droppedBySdk: number;
  complete: boolean;
  problem: string;
}

export function mountDecode(app: HTMLElement, setStatus: (s: string) => void): () => void {
  const file = el('input', { type: 'file', id: 'decode-file', name: 'file' });
  const format = el('select', { id: 'decode-format', name: 'format' }, el('option', { value: 'text' }, 'text lines'), el('option', { value: 'json' }, 'JSON lines'));
  const form = el(
    'form',
    { class: 'search', id: 'decode-form' },
    el('label', {}, 'Log file (.logfun, at most 8 MiB)', file),
    el('label', {}, 'Format', format),
    el('button', { type: 'submit', id: 'decode-button' }, 'Decode'),
  );
  const error = el('div', { class: 'error', id: 'decode-error' });
  const summary = el('div', { class: 'notice', id: 'decode-summary' });
  const output = el('pre', { class: 'decoded', id: 'decode-output' });
  app.append(el('h2', {}, 'Decode an SDK log file'), el('p', { class: 'notice' }, 'Files written by the SDK with transport: "file" are compressed; this shows them as text, like `logfun decode <file>`.'), form, error, summary, output);
  let controller: AbortController | undefined;

  /** Ends a run: the page state for tests, and the status line no longer says "decoding…" (an error replaces it). */
  const finish = (state: 'done' | 'damaged' | 'error') => {
    app.setAttribute('data-decode', state);
    setStatus(state === 'done' ? '' : error.textContent ?? '');
  };

  const run = async () => {
    controller?.abort();
    error.textContent = '';
    summary.textContent = '';
    output.textContent = '';
    app.removeAttribute('data-decode');
    const f = file.files?.[0];
    if (!f) {
      error.textContent = 'Choose a file first.';
      return finish('error');
    }
    if (f.size > MAX_UPLOAD_BYTES) {
      error.textContent = `${f.name} is ${f.size.toLocaleString('en-US')} bytes; the console decodes files up to ${MAX_UPLOAD_BYTES.toLocaleString('en-US')} bytes. Use \`logfun decode ${f.name}\` for larger files.`;
      return finish('error');
    }
    controller = new AbortController();
    setStatus(`decoding ${f.name}…`);
    let lines = 0;
    try {
      const res = await fetch(`${API}/decode?format=${encodeURIComponent(format.value)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: f,
        credentials: 'same-origin',
        signal: controller.signal,
      });
      if (!res.ok || !res.body) {
        const text = await res.text();
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {
          /* not JSON: show the text */
        }
        error.textContent = `${f.name}: ${message || `HTTP ${res.status}`}`;
        return finish('error');
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let pending = '';
      let done: DoneEvent | undefined;
      const handle = (line: string) => {
        if (!line) return;
        const event = JSON.parse(line) as { lines?: string[] } | DoneEvent;
        if ('done' in event) done = event;
        else if (event.lines && event.lines.length > 0) {
          // Text nodes only: a logged "<script>" is shown as the characters it is.
          output.append(document.createTextNode(event.lines.join('\n') + '\n'));
          lines += event.lines.length;
          summary.textContent = `${countOf(lines, 'record')} so far…`;
        }
      };
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        pending += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          handle(pending.slice(0, nl));
          pending = pending.slice(nl + 1);
        }
      }
      handle(pending + decoder.decode());
      if (!done) {
        error.textContent = `${f.name}: the answer ended early (${countOf(lines, 'record')} shown)`;
        return finish('error');
      }
      summary.textContent = `${f.name}: ${countOf(done.records, 'record')} in ${countOf(done.frames, 'frame')}${done.sessions > 1 ? ` from ${done.sessions} writer sessions` : ''}${done.droppedBySdk > 0 ? ` · ${done.droppedBySdk} dropped by the SDK before writing` : ''}`;
      if (!done.complete) {
        error.textContent = `The file is damaged: ${done.problem}`;
        return finish('damaged');
      }
      finish('done');
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      error.textContent = `${f.name}: ${(e as Error).message}`;
      finish('error');
    }
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run();
  });
  return () => controller?.abort();
}
