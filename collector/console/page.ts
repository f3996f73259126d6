/**
 * The HTML shell and stylesheet of the console. The shell holds no data: the
 * front end (console/src, compiled to <assets>/main.js) fetches JSON and builds
 * the DOM with textContent only. The Content-Security-Policy allows scripts and
 * styles from this origin only, so even a mistake that put markup into the page
 * could not run inline script or event-handler attributes.
 */
import * as path from 'path';
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export const CONSOLE_PAGES: Readonly<Record<string, string>> = {
  '/': 'Overview',
  '/explorer': 'Log explorer',
  '/control': 'Control',
  '/httpstats': 'HTTP statistics',
  '/decode': 'Decode file',
  '/tail': 'Live tail',
};

export function shellHtml(): string {
  const nav = Object.entries(CONSOLE_PAGES)
    .map(([path, title]) => `<a href="${path}" data-page="${path}">${title}</a>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>logfun console</title>
<link rel="stylesheet" href="/assets/console.css">
<script type="module" src="/assets/main.js"></script>
</head>
<body>
<header><span class="brand">logfun</span><nav>${nav}</nav><span id="status" class="status"></span></header>
<main id="app"><noscript>The logfun console needs JavaScript.</noscript></main>
</body>
</html>
`;
}

/** Text as HTML (the sign-in page shows a file name). */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface LoginPageOptions {
  /** A ?token= was presented and did not match: say so (the page reflects nothing of what was sent). */
  rejected?: boolean;
  /** Where the collector keeps the token it made (shown relative to its folder when inside it); undefined: the token is configured. */
  tokenFile?: string;
}

/** Answered (401) to a page request without a valid token: a form that logs in with ?token=, and where to find the token. */
export function loginHtml(options: LoginPageOptions = {}): string {
  const where = options.tokenFile
    ? `<p>This collector made its token and keeps it in <code>${escapeHtml(displayPath(options.tokenFile))}</code> (in the folder the collector was started from). ` +
      'The sign-in link (<code>…/?token=…</code>) was also printed when the collector (or <code>logfun demo</code>) started.</p>'
    : '<p>The token is the one configured for this collector (service.telemetry.admin.console_token or $LOGFUN_CONSOLE_TOKEN).</p>';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>logfun console: sign in</title><link rel="stylesheet" href="/assets/console.css"></head>
<body>
<main class="login">
<h1>logfun console</h1>
${options.rejected ? '<p class="login-error" role="alert">That token was not accepted. Check it and try again.</p>\n' : ''}<p>This console requires a token.</p>
${where}
<form method="get" action="/"><label>Token <input type="password" name="token" autocomplete="current-password" required></label> <button type="submit">Sign in</button></form>
</main>
</body>
</html>
`;
}

/** `file` relative to the working folder ("./.logfun/admin-token") when inside it, else as is. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `./${rel.split(path.sep).join('/')}` : file;
}

export const CONSOLE_CSS = `
:root { --bg: #f6f7f9; --fg: #1d2330; --muted: #6b7280; --line: #d9dde3; --accent: #2f6fde; --off: #c0392b; --on: #1e8e3e; --auto: #8a6d00; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: center; gap: 24px; padding: 8px 16px; background: #1d2330; color: #fff; }
header .brand { font-weight: 700; letter-spacing: .5px; }
header nav a { color: #cfd6e4; text-decoration: none; margin-right: 16px; }
header nav a.active { color: #fff; border-bottom: 2px solid var(--accent); }
header .status { margin-left: auto; color: #cfd6e4; font-size: 12px; }
main { padding: 16px; }
h2 { font-size: 16px; margin: 16px 0 8px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 140px; }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
canvas.chart.small { height: 160px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
.decoded { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word; max-height: 70vh; overflow: auto; }
.notice { color: var(--muted); margin: 8px 0; }
.state-alert { color: var(--off); font-weight: 600; }
.state-recovery { color: var(--on); font-weight: 600; }
canvas.chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; width: 100%; height: 220px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.body { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word; }
td.time { white-space: nowrap; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
#tail-table { table-layout: fixed; }
#tail-table col.time { width: 15em; }
#tail-table col.service { width: 10em; }
#tail-table col.severity { width: 6em; }
#tail-table th { position: sticky; top: 0; background: #fff; z-index: 1; }
#tail-rows td { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
form.search { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-bottom: 12px; }
form.search label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
input, select, button { font: inherit; padding: 4px 6px; }
button { cursor: pointer; }
.error { color: var(--off); margin: 8px 0; }
.pager { margin: 8px 0; display: flex; gap: 8px; align-items: center; }
.tree ul { list-style: none; margin: 0; padding-left: 20px; }
.tree > ul { padding-left: 0; }
.tree li { margin: 2px 0; }
.node { display: flex; gap: 8px; align-items: center; padding: 2px 4px; border-radius: 4px; }
.node:hover { background: #eef2f8; }
.node .name { font-weight: 600; }
.node .text { font-family: ui-monospace, Menlo, Consolas, monospace; }
.node .meta { color: var(--muted); font-size: 12px; }
.toggle button { border: 1px solid var(--line); background: #fff; padding: 0 6px; font-size: 12px; }
.toggle button.on.selected { background: var(--on); color: #fff; }
.toggle button.off.selected { background: var(--off); color: #fff; }
.toggle button.auto.selected { background: var(--auto); color: #fff; }
.toggle button.on.effective { box-shadow: inset 0 0 0 2px var(--on); }
.toggle button.off.effective { box-shadow: inset 0 0 0 2px var(--off); }
.toggle button.auto.effective { box-shadow: inset 0 0 0 2px var(--auto); }
.effective-state { font-size: 12px; color: var(--on); }
.effective-state.muted, .effective-state.muted-auto { color: var(--off); font-weight: 600; }
.badge { font-size: 11px; border-radius: 3px; padding: 0 4px; background: #eee; }
.badge.muted { background: #fde2e1; color: var(--off); }
.login .login-error { color: var(--off); font-weight: 600; }
.login { max-width: 420px; margin: 80px auto; background: #fff; padding: 24px; border: 1px solid var(--line); border-radius: 6px; }
`;
