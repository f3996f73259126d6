/**
 * DOM building for the console. Every piece of data goes in through textContent
 * or an attribute set with setAttribute on an element we created: never through
 * innerHTML, so a logged `<img src=x onerror=...>` is shown as the text it is.
 */
export type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, v);
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** "1 record", "1,234 records": a formatted count with its noun in the right number (server side: protocol/plural.ts). */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${Math.round(n) === 1 ? singular : plural}`;
}

export function formatRate(n: number): string {
  return n >= 100 ? formatCount(n) : n.toFixed(n >= 10 ? 1 : 2);
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = d > 0 ? [`${d}d`, `${h}h`, `${m}m`] : h > 0 ? [`${h}h`, `${m}m`, `${s % 60}s`] : [`${m}m`, `${s % 60}s`];
  return parts.join(' ');
}

export function formatAgo(ms: number, now = Date.now()): string {
  if (!ms) return 'never';
  const d = Math.max(0, now - ms);
  if (d < 1000) return 'just now';
  return `${formatDuration(d)} ago`;
}
