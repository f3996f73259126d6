/** Console entry: picks the page by path and marks the active navigation link. */
import { mountOverview } from './overview.js';
import { mountExplorer } from './explorer.js';
import { mountControl } from './control.js';
import { mountHttpStats } from './httpstats.js';
import { mountDecode } from './decode.js';
import { mountTail } from './tail.js';

const PAGES: Record<string, (app: HTMLElement, setStatus: (s: string) => void) => () => void> = {
  '/': mountOverview,
  '/explorer': mountExplorer,
  '/control': mountControl,
  '/httpstats': mountHttpStats,
  '/decode': mountDecode,
  '/tail': mountTail,
};

function start(): void {
  const app = document.getElementById('app');
  if (!app) return;
  const status = document.getElementById('status');
  const setStatus = (s: string) => {
    if (status) status.textContent = s;
  };
  const page = PAGES[location.pathname] ? location.pathname : '/';
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.getAttribute('data-page') === page));
  while (app.firstChild) app.removeChild(app.firstChild);
  const mount = PAGES[page];
  mount(app, setStatus);
  document.body.setAttribute('data-ready', page);
}

start();
