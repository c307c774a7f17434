// The sandbox's one HTML page: inline CSS and vanilla JS (ui/), no build step, no external assets, under a
// Content-Security-Policy that lets only this response's own nonce'd script and style run.
import { readFileSync } from 'node:fs';
import { label, SANDBOX_CHANNEL, SANDBOX_TEAM, USERS } from './people.js';
import { escapeHtml, RENDER_JS } from './renderer.js';

const read = (name: string) => readFileSync(new URL(`./ui/${name}`, import.meta.url), 'utf8');
const APP_JS = read('app.js');
const STYLE = read('style.css');

/** Commands to start from, shown as chips above the command box. */
export const EXAMPLES = [
  'help',
  'sources',
  'source hive-prod',
  'jobs hive-prod',
  'job hive-prod sales_orders_2025',
  'diagnose hive-prod finance_nightly',
  'scan hive-prod',
  'migrate hive-prod',
  'stop hive-prod sales_orders_2025',
  'delete hive-prod finance_nightly',
  'timers hive-prod',
  'status',
  'audit',
];

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function pageHeaders(nonce: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': contentSecurityPolicy(nonce),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

/** A `</script>` or `</style>` inside inlined code would end the element early. */
function inlineSafe(code: string, tag: 'script' | 'style'): string {
  return code.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
}

export function pageHtml(nonce: string): string {
  const n = escapeHtml(nonce);
  const users = USERS.map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(label(u))}</option>`).join(
    '',
  );
  const chips = EXAMPLES.map(
    (c) => `<button type="button" class="chip" data-cmd="/mms ${escapeHtml(c)}">${escapeHtml(c)}</button>`,
  ).join('');
  const channel = escapeHtml(SANDBOX_CHANNEL.name);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mms sandbox · #${channel}</title>
<style nonce="${n}">${inlineSafe(STYLE, 'style')}</style>
</head>
<body>
<div id="app">
  <aside id="sidebar">
    <div class="ws">${escapeHtml(SANDBOX_TEAM.name)}<small>mms-chatops sandbox</small></div>
    <label class="who">Act as<select id="user">${users}</select></label>
    <div class="section-title">Channels</div>
    <button type="button" id="nav-channel" class="nav active"># ${channel}</button>
    <div class="section-title">Apps</div>
    <button type="button" id="nav-home" class="nav">mms · Home</button>
    <div class="foot">MMS simulator with demo data; jobs move on their own. Operators: alice, bob.</div>
  </aside>
  <main>
    <header id="topbar"><h1 id="title"># ${channel}</h1><span id="role" class="role"></span><span id="status" role="status"></span></header>
    <div id="toast" role="alert" hidden></div>
    <section id="channel-pane">
      <div id="timeline" aria-live="polite"></div>
      <form id="composer" autocomplete="off">
        <div id="chips">${chips}</div>
        <div class="box"><input id="cmd" name="cmd" spellcheck="false" aria-label="Command" placeholder="/mms help   (Enter sends, ↑ recalls)"><button type="submit" class="btn primary">Send</button></div>
      </form>
    </section>
    <section id="home-pane" hidden><div id="home"></div></section>
  </main>
</div>
<div id="modal-root" hidden></div>
<script nonce="${n}">${inlineSafe(RENDER_JS, 'script')}</script>
<script nonce="${n}">${inlineSafe(APP_JS, 'script')}</script>
</body>
</html>
`;
}
