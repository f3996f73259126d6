/**
 * Overview: live records/s chart, totals, uptime, per-service rates; the spam
 * balancer's strategy with a switch, drops by reason and the active AUTO
 * suppressions. Polls /overview every second.
 */
import { utcText } from './utc-time.js';
import { getJson, putJson, API } from './api.js';
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
  balancer?: { processors: { id: string; strategy: string }[]; strategies: string[] };
  drops?: { metric: string; what: string; reason: string; service: string; component: string; value: number }[];
  suppressions?: {
    service: string;
    kind: string;
    templateId: string;
    templateText?: string;
    function: string;
    sinceMs: number;
    untilMs: number | null;
    reason: string;
    suppressed: number | null;
    source: string;
    state: string;
    sampleRate: number;
  }[];
}

const STRATEGY_TITLES: Record<string, string> = {
  both: 'Z-score and entropy: spam is a rate burst of low-entropy repetition',
  zscore: 'Z-score of the rate only',
  entropy: 'argument entropy only',
  off: 'no automatic muting (lifts every AUTO mute)',
};

const MAX_POINTS = 300;

export function mountOverview(app: HTMLElement, setStatus: (s: string) => void): () => void {
  const cards = el('div', { class: 'cards', id: 'overview-cards' });
  const canvas = el('canvas', { class: 'chart', id: 'throughput-chart', width: '900', height: '220' });
  const servicesBody = el('tbody');
  const servicesTable = el(
    'table',
    { id: 'services-table' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Service'), el('th', { class: 'num' }, 'Templates'), el('th', { class: 'num' }, 'Records'), el('th', { class: 'num' }, 'Records/s'))),
    servicesBody,
  );
  const balancerBox = el('div', { id: 'balancer' });
  const balancerError = el('div', { class: 'error', id: 'balancer-error' });
  const dropsBody = el('tbody');
  const dropsTable = el(
    'table',
    { id: 'drops-table' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Where'), el('th', {}, 'Reason'), el('th', {}, 'Service'), el('th', {}, 'Component'), el('th', { class: 'num' }, 'Records'))),
    dropsBody,
  );
  const suppressionsBody = el('tbody');
  const suppressionsTable = el(
    'table',
    { id: 'suppressions-table' },
    el(
      'thead',
      {},
      el('tr', {}, el('th', {}, 'Service'), el('th', {}, 'Muted'), el('th', {}, 'Since (UTC)'), el('th', {}, 'Until at least (UTC)'), el('th', { class: 'num' }, 'Suppressed'), el('th', {}, 'Reason'), el('th', {}, 'Source')),
    ),
    suppressionsBody,
  );
  app.append(
    el('h2', {}, 'Throughput (records/s)'),
    canvas,
    el('h2', {}, 'Totals'),
    cards,
    el('h2', {}, 'Services'),
    servicesTable,
    el('h2', {}, 'Spam balancer'),
    balancerBox,
    balancerError,
    el('h2', {}, 'Active suppressions (AUTO)'),
    suppressionsTable,
    el('h2', {}, 'Drops by reason'),
    dropsTable,
  );
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
    renderBalancer(o);
    setStatus(`started ${utcText(Date.parse(o.startedAt))} UTC · store ${o.store ?? 'none'} · control ${o.control.enabled ? 'on' : 'off'}`);
  };

  let switching = false;
  const renderBalancer = (o: Overview) => {
    const b = o.balancer;
    clear(balancerBox);
    if (!b || b.processors.length === 0) {
      balancerBox.append(el('p', { class: 'notice' }, 'No spam processor runs in this collector (add processors: [spam] to a pipeline).'));
    } else {
      const current = b.processors[0].strategy;
      const mixed = b.processors.some((p) => p.strategy !== current);
      const buttons = el('span', { class: 'toggle', id: 'strategy-switch', 'data-strategy': mixed ? 'mixed' : current });
      for (const s of b.strategies) {
        const button = el('button', { type: 'button', class: `strategy${!mixed && s === current ? ' selected on' : ''}`, 'data-strategy': s, title: STRATEGY_TITLES[s] ?? s }, s);
        button.disabled = switching;
        button.addEventListener('click', () => void switchStrategy(s));
        buttons.append(button);
      }
      balancerBox.append(
        el('div', { class: 'node' }, el('span', { class: 'name' }, 'Strategy'), buttons, el('span', { class: 'meta', id: 'strategy-current' }, mixed ? b.processors.map((p) => `${p.id}: ${p.strategy}`).join(' · ') : `${current} · ${STRATEGY_TITLES[current] ?? ''}`)),
      );
    }
    clear(suppressionsBody);
    for (const m of o.suppressions ?? []) {
      const what = m.kind === 'template' ? (m.templateText ? `"${m.templateText}" (${m.templateId})` : `template ${m.templateId}`) : m.kind === 'function' ? `${m.function}()` : 'whole service';
      suppressionsBody.append(
        el(
          'tr',
          { class: 'suppression-row' },
          el('td', {}, m.service),
          el('td', {}, m.state === 'off' ? what : `${what} (throttled to ${Math.round(m.sampleRate * 100)}%)`),
          el('td', { class: 'time' }, m.sinceMs ? utcText(m.sinceMs) : ''),
          el('td', { class: 'time' }, m.untilMs ? utcText(m.untilMs) : ''),
          el('td', { class: 'num' }, m.suppressed === null ? '' : formatCount(m.suppressed)),
          el('td', {}, m.reason),
          el('td', {}, m.source),
        ),
      );
    }
    if ((o.suppressions ?? []).length === 0) suppressionsBody.append(el('tr', {}, el('td', { colspan: '7' }, 'Nothing is muted automatically.')));
    clear(dropsBody);
    for (const d of o.drops ?? []) {
      dropsBody.append(
        el('tr', { class: 'drop-row', 'data-metric': d.metric }, el('td', {}, d.what), el('td', {}, d.reason), el('td', {}, d.service), el('td', {}, d.component), el('td', { class: 'num' }, formatCount(d.value))),
      );
    }
    if ((o.drops ?? []).length === 0) dropsBody.append(el('tr', {}, el('td', { colspan: '5' }, 'No records dropped.')));
  };

  const switchStrategy = async (strategy: string) => {
    switching = true;
    balancerError.textContent = '';
    try {
      await putJson(`${API}/balancer`, { strategy });
    } catch (e) {
      balancerError.textContent = (e as Error).message;
    }
    switching = false;
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
