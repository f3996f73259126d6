/** Overview: live records/s chart, totals, uptime, per-service rates. Polls /overview every second. */
import { getJson, API } from './api.js';
import { LineChart } from './chart.js';
import { clear, el, formatCount, formatDuration, formatRate } from './dom.js';

interface Sample {
  t: number;
  receivedPerSec: number;
  exportedPerSec: number;
}

interface Overview {
  now: number;
  startedAt: string;
  uptimeMs: number;
  totals: { received: number; exported: number; dropped: number; suppressed: number; muted: number };
  samples: Sample[];
  services: { service: string; templates: number; records: number; recordsPerSec: number }[];
  templates: number;
  control: { enabled: boolean; ready?: boolean; rules?: number };
  store: string | null;
}

const MAX_POINTS = 300;

export function mountOverview(app: HTMLElement, setStatus: (s: string) => void): () => void {
  const cards = el('div', { class: 'cards', id: 'overview-cards' });
  const canvas = el('canvas', { class: 'chart', id: 'throughput-chart', width: '900', height: '220' });
  const servicesBody = el('tbody');
  const servicesTable = el(
    'table',
    { id: 'services-table' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Service'), el('th', {}, 'Templates'), el('th', {}, 'Records'), el('th', {}, 'Records/s'))),
    servicesBody,
  );
  app.append(el('h2', {}, 'Throughput (records/s)'), canvas, el('h2', {}, 'Totals'), cards, el('h2', {}, 'Services'), servicesTable);
  const chart = new LineChart(canvas);
  const samples: Sample[] = [];
  let since = 0;
  let stopped = false;
  let timer: number | undefined;

  const card = (label: string, value: string, id: string) => el('div', { class: 'card', id }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));

  const render = (o: Overview) => {
    clear(cards);
    const last = samples[samples.length - 1];
    cards.append(
      card('Uptime', formatDuration(o.uptimeMs), 'card-uptime'),
      card('Records/s', formatRate(last?.receivedPerSec ?? 0), 'card-rate'),
      card('Received', formatCount(o.totals.received), 'card-received'),
      card('Written', formatCount(o.totals.exported), 'card-exported'),
      card('Dropped', formatCount(o.totals.dropped), 'card-dropped'),
      card('Suppressed', formatCount(o.totals.suppressed), 'card-suppressed'),
      card('Muted by rules', formatCount(o.totals.muted), 'card-muted'),
      card('Templates', formatCount(o.templates), 'card-templates'),
    );
    clear(servicesBody);
    for (const s of o.services) {
      servicesBody.append(
        el('tr', {}, el('td', {}, s.service), el('td', { class: 'num' }, formatCount(s.templates)), el('td', { class: 'num' }, formatCount(s.records)), el('td', { class: 'num' }, formatRate(s.recordsPerSec))),
      );
    }
    if (o.services.length === 0) servicesBody.append(el('tr', {}, el('td', { colspan: '4' }, 'No services seen yet.')));
    chart.draw(
      samples.map((s) => s.t),
      [
        { label: 'received', color: '#2f6fde', values: samples.map((s) => s.receivedPerSec) },
        { label: 'written', color: '#1e8e3e', values: samples.map((s) => s.exportedPerSec) },
      ],
    );
    setStatus(`started ${new Date(o.startedAt).toLocaleString()} · store ${o.store ?? 'none'} · control ${o.control.enabled ? 'on' : 'off'}`);
  };

  const poll = async () => {
    try {
      const o = await getJson<Overview>(`${API}/overview?since=${since}`);
      for (const s of o.samples) if (s.t > since) samples.push(s);
      if (samples.length > MAX_POINTS) samples.splice(0, samples.length - MAX_POINTS);
      if (samples.length) since = samples[samples.length - 1].t;
      render(o);
    } catch (e) {
      setStatus(`overview: ${(e as Error).message}`);
    }
    if (!stopped) timer = window.setTimeout(poll, 1000);
  };
  void poll();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
