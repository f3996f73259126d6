/**
 * Control tree: services -> functions -> templates with ON / OFF / AUTO toggles
 * (a manual rule on exactly that node) and "inherit" (no rule of its own). A
 * node without a rule of its own still shows its effective state: the mode it
 * inherits is outlined and a line says what happens to its records ("active (no
 * rule)", "muted by OFF on service web"). A badge shows automatic decisions of
 * the spam balancer. Refreshes every 5 s.
 */
import { getJson, putJson, API } from './api.js';
import { clear, countOf, el, formatAgo } from './dom.js';

type State = 'on' | 'off' | 'auto';

interface NodeControl {
  manual?: State;
  auto?: { state: State; sampleRate: number; reason: string };
  effective?: { mode: State; outcome: 'active' | 'muted' | 'muted-auto'; text: string };
}
interface TemplateNode extends NodeControl {
  id: string;
  text: string;
  severityText: string;
  source: string;
  location: string;
  count: number;
  lastSeenMs: number;
}
interface FunctionNode extends NodeControl {
  name: string;
  count: number;
  lastSeenMs: number;
  templates: TemplateNode[];
}
interface ServiceNode extends NodeControl {
  name: string;
  count: number;
  lastSeenMs: number;
  functions: FunctionNode[];
}
interface Tree {
  controlEnabled: boolean;
  rulesVersion: string;
  services: ServiceNode[];
}

interface Target {
  service: string;
  function?: string;
  templateId?: string;
}

export function mountControl(app: HTMLElement, setStatus: (s: string) => void): () => void {
  const error = el('div', { class: 'error', id: 'control-error' });
  const root = el('div', { class: 'tree', id: 'control-tree' });
  app.append(el('h2', {}, 'Services, functions and templates'), error, root);
  let stopped = false;
  let timer: number | undefined;

  const toggle = (target: Target, node: NodeControl, testId: string): HTMLElement => {
    const box = el('span', { class: 'toggle', 'data-target': testId, 'data-effective': node.effective?.mode });
    const states: (State | 'inherit')[] = ['on', 'off', 'auto'];
    for (const s of states) {
      // Selected: the rule on this node. Effective (outlined): the mode it inherits, with no rule of its own.
      const mark = node.manual === s ? ' selected' : !node.manual && node.effective?.mode === s ? ' effective' : '';
      const b = el('button', { type: 'button', class: `${s}${mark}`, 'data-state': s, title: mark === ' effective' ? `${s.toUpperCase()} in effect (inherited); click to set it here` : `set ${s.toUpperCase()} here` }, s.toUpperCase());
      b.addEventListener('click', () => void change(target, node.manual === s ? 'inherit' : s));
      box.append(b);
    }
    if (node.manual) {
      const b = el('button', { type: 'button', class: 'inherit', 'data-state': 'inherit', title: 'remove this rule (inherit from above)' }, '×');
      b.addEventListener('click', () => void change(target, 'inherit'));
      box.append(b);
    }
    return box;
  };

  const effectiveText = (node: NodeControl) => (node.effective ? el('span', { class: `effective-state ${node.effective.outcome}`, 'data-outcome': node.effective.outcome }, node.effective.text) : null);

  const autoBadge = (node: NodeControl) =>
    node.auto ? el('span', { class: `badge${node.auto.state === 'off' ? ' muted' : ''}`, title: node.auto.reason }, node.auto.state === 'off' ? 'muted (auto)' : `throttled ${Math.round(node.auto.sampleRate * 100)}% (auto)`) : null;

  const render = (tree: Tree) => {
    clear(root);
    if (!tree.controlEnabled) error.textContent = 'The control plane is off in this collector (service.control): toggles are disabled.';
    const list = el('ul');
    for (const s of tree.services) {
      const fnList = el('ul');
      for (const f of s.functions) {
        const tplList = el('ul');
        for (const t of f.templates) {
          tplList.append(
            el(
              'li',
              { class: 'template-node', 'data-template-id': t.id },
              el(
                'div',
                { class: 'node' },
                toggle({ service: s.name, templateId: t.id }, t, `${s.name}/template/${t.id}`),
                el('span', { class: 'text' }, t.text),
                autoBadge(t),
                effectiveText(t),
                el('span', { class: 'meta' }, `${t.severityText || '-'} · ${countOf(t.count, 'record')} · last ${formatAgo(t.lastSeenMs)} · id ${t.id}${t.location ? ` · ${t.location}` : ''}`),
              ),
            ),
          );
        }
        const fnHeader =
          f.name === ''
            ? el('div', { class: 'node' }, el('span', { class: 'meta' }, '(no function scope)'))
            : el('div', { class: 'node' }, toggle({ service: s.name, function: f.name }, f, `${s.name}/function/${f.name}`), el('span', { class: 'name' }, `${f.name}()`), autoBadge(f), effectiveText(f), el('span', { class: 'meta' }, `${countOf(f.count, 'record')}`));
        fnList.append(el('li', { class: 'function-node' }, fnHeader, tplList));
      }
      list.append(
        el(
          'li',
          { class: 'service-node', 'data-service': s.name },
          el('div', { class: 'node' }, toggle({ service: s.name }, s, `${s.name}`), el('span', { class: 'name' }, s.name), autoBadge(s), effectiveText(s), el('span', { class: 'meta' }, `${countOf(s.count, 'record')} · last ${formatAgo(s.lastSeenMs)}`)),
          fnList,
        ),
      );
    }
    if (tree.services.length === 0) list.append(el('li', {}, 'No services seen yet.'));
    root.append(list);
    root.setAttribute('data-rules-version', tree.rulesVersion);
  };

  const load = async () => {
    try {
      render(await getJson<Tree>(`${API}/tree`));
      setStatus('');
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  };

  const change = async (target: Target, state: State | 'inherit') => {
    error.textContent = '';
    try {
      await putJson(`${API}/rules`, { ...target, state });
    } catch (e) {
      error.textContent = (e as Error).message;
    }
    await load();
  };

  const loop = async () => {
    await load();
    if (!stopped) timer = window.setTimeout(loop, 5000);
  };
  void loop();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
