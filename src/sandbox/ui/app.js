// The sandbox page: polls what the current user sees, renders it with SandboxRender (render.js, which
// escapes everything), and turns typing, clicks, choices and form submissions into calls to the sandbox's
// JSON API. All markup comes from SandboxRender or from constant strings here; text goes in by textContent.
(() => {
  const R = globalThis.SandboxRender;
  const $ = (id) => document.getElementById(id);
  const ui = {
    user: $('user'),
    role: $('role'),
    title: $('title'),
    timeline: $('timeline'),
    composer: $('composer'),
    cmd: $('cmd'),
    home: $('home'),
    channelPane: $('channel-pane'),
    homePane: $('home-pane'),
    navChannel: $('nav-channel'),
    navHome: $('nav-home'),
    toast: $('toast'),
    modalRoot: $('modal-root'),
    status: $('status'),
  };
  const USER_KEY = 'mms-sandbox.user';
  const HISTORY_KEY = 'mms-sandbox.history';

  const readJson = (key, fallback) => {
    try {
      const v = JSON.parse(localStorage.getItem(key) ?? '');
      return v ?? fallback;
    } catch {
      return fallback;
    }
  };

  const s = {
    user: localStorage.getItem(USER_KEY) || ui.user.value,
    tab: 'channel',
    names: {},
    users: [],
    channel: { id: '', name: '' },
    keys: { timeline: '', home: '', modal: '' },
    modalId: '',
    history: Array.isArray(readJson(HISTORY_KEY, [])) ? readJson(HISTORY_KEY, []) : [],
    historyPos: -1,
    draft: '',
    requested: 0,
    rendered: 0,
    timer: 0,
    toastTimer: 0,
  };
  /** Interactive elements of the last render, by area: timeline, home, modal. */
  const registry = { t: [], h: [], m: [] };

  if ([...ui.user.options].some((o) => o.value === s.user)) ui.user.value = s.user;
  else s.user = ui.user.value;

  // ------------------------------------------------------------------ server

  function toast(message) {
    ui.toast.textContent = message;
    ui.toast.hidden = false;
    clearTimeout(s.toastTimer);
    s.toastTimer = setTimeout(() => {
      ui.toast.hidden = true;
    }, 7000);
  }

  async function post(path, body) {
    try {
      const res = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = await res.json().catch(() => ({}));
      if (!res.ok || json.ok === false) toast(json.error || `The sandbox answered HTTP ${res.status}.`);
      return json;
    } catch (e) {
      toast(`The sandbox is not answering (${e.message}).`);
      return {};
    } finally {
      soon();
    }
  }

  async function refresh() {
    const mine = ++s.requested;
    try {
      const res = await fetch(`/api/state?user=${encodeURIComponent(s.user)}`, { cache: 'no-store' });
      const data = await res.json();
      if (!res.ok || !data.ok) throw new Error(data.error || `HTTP ${res.status}`);
      // A slower, older answer must not overwrite a newer one.
      if (mine <= s.rendered || data.me.id !== s.user) return;
      s.rendered = mine;
      ui.status.textContent = '';
      document.body.classList.remove('offline');
      render(data);
    } catch {
      ui.status.textContent = 'Not connected to the sandbox: is `npm run sandbox` still running?';
      document.body.classList.add('offline');
    }
  }

  function loop() {
    clearTimeout(s.timer);
    refresh().finally(() => {
      s.timer = setTimeout(loop, 1000);
    });
  }

  /** The bot answers asynchronously: look again shortly after each action. */
  function soon() {
    for (const ms of [80, 300, 800]) setTimeout(refresh, ms);
  }

  // ------------------------------------------------------------------ rendering

  function time(at) {
    return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function baseCtx(area) {
    return { area, els: [], names: s.names, users: s.users, channel: s.channel };
  }

  const BOT_META = (at, extra) =>
    `<div class="meta"><span class="name">mms</span><span class="app">APP</span><span class="time">${R.escapeHtml(
      time(at),
    )}</span>${extra}</div>`;

  function messageHtml(m, ctx, inThread) {
    ctx.where = { messageTs: m.ts };
    const body = R.blocks(m.blocks, ctx, m.text);
    const notes = [];
    if (m.parentTs && !inThread)
      notes.push(m.broadcast ? 'replied to a thread · also sent to the channel' : 'thread reply');
    else if (inThread && m.broadcast) notes.push('also sent to the channel');
    const replies = Array.isArray(m.replies) ? m.replies : [];
    const thread = replies.length
      ? `<div class="thread"><div class="thread-head">${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}</div>${replies
          .map((r) => messageHtml(r, ctx, true))
          .join('')}</div>`
      : '';
    return `<div class="msg${inThread ? ' reply' : ''}${m.broadcast ? ' broadcast' : ''}" data-ts="${R.escapeHtml(m.ts)}"><div class="avatar">M</div><div class="content">${BOT_META(
      m.at,
      m.edited ? '<span class="edited">(edited)</span>' : '',
    )}${notes.map((n) => `<div class="note">${R.escapeHtml(n)}</div>`).join('')}<div class="blocks">${body}</div>${thread}</div></div>`;
  }

  const ONLY_YOU = '<span class="only" title="Only visible to you">👁 Only visible to you</span>';

  function ephemeralHtml(e, ctx) {
    const me = s.names[s.user] ?? s.user;
    if (e.via === 'command') {
      return `<div class="cmdline"><span class="you">${R.escapeHtml(me)}</span> <code>${R.escapeHtml(
        e.text,
      )}</code>${ONLY_YOU}</div>`;
    }
    ctx.where = { ephemeralId: e.id };
    const label = e.via === 'dm' ? `${ONLY_YOU}<span class="only">· direct message</span>` : ONLY_YOU;
    const cls = e.via === 'sandbox' ? 'msg eph sandbox' : 'msg eph';
    return `<div class="${cls}" data-eph="${R.escapeHtml(e.id)}"><div class="avatar">M</div><div class="content">${BOT_META(
      e.at,
      label,
    )}<div class="blocks">${R.blocks(e.blocks, ctx, e.text)}</div><button type="button" class="link" data-dismiss="${R.escapeHtml(
      e.id,
    )}">Dismiss</button></div></div>`;
  }

  function renderTimeline(timeline) {
    const key = JSON.stringify([timeline, s.names]);
    if (key === s.keys.timeline) return;
    s.keys.timeline = key;
    const box = ui.timeline;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
    const ctx = baseCtx('t');
    const html = timeline.map((item) =>
      item.kind === 'message' ? messageHtml(item, ctx, false) : ephemeralHtml(item, ctx),
    );
    box.innerHTML = html.length
      ? html.join('')
      : `<div class="empty">Nothing here yet. Type <code>/mms help</code> or <code>/mms sources</code> below.</div>`;
    registry.t = ctx.els;
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  function renderHome(home) {
    const key = JSON.stringify([home, s.names]);
    if (key === s.keys.home) return;
    s.keys.home = key;
    const ctx = baseCtx('h');
    if (!home) ui.home.innerHTML = '<div class="empty">Opening the Home tab…</div>';
    else {
      ctx.where = { viewId: home.id };
      const blocks = Array.isArray(home.blocks) ? home.blocks : [];
      ui.home.innerHTML = blocks.length
        ? `<div class="view">${R.view(home, ctx)}</div>`
        : '<div class="empty">The bot published an empty Home tab.</div>';
    }
    registry.h = ctx.els;
  }

  function renderModal(modal) {
    const key = modal ? JSON.stringify([modal.id, modal.view, modal.errors, s.names]) : '';
    if (key === s.keys.modal) return;
    // The same view updated (new options, errors): what the user typed stays, as in Slack.
    const keep = modal && modal.id === s.modalId ? collectValues() : null;
    s.keys.modal = key;
    s.modalId = modal ? modal.id : '';
    const root = ui.modalRoot;
    if (!modal) {
      root.hidden = true;
      root.innerHTML = '';
      registry.m = [];
      return;
    }
    const v = modal.view;
    const ctx = { ...baseCtx('m'), where: { viewId: modal.id }, errors: modal.errors };
    root.innerHTML = `<div class="overlay"><div class="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title"><header><h2 id="modal-title">${R.plain(
      v.title,
    )}</h2><button type="button" class="x" data-close aria-label="Close">×</button></header><form id="modal-form" class="modal-body" novalidate>${R.view(
      v,
      ctx,
    )}</form><footer><button type="button" class="btn" data-close>${R.plain(v.close) || 'Cancel'}</button>${
      v.submit
        ? `<button type="submit" form="modal-form" class="btn primary">${R.plain(v.submit)}</button>`
        : ''
    }</footer></div></div>`;
    registry.m = ctx.els;
    root.hidden = false;
    if (keep) restoreValues(keep);
  }

  function render(data) {
    s.names = data.names;
    s.users = data.users;
    s.channel = data.channel;
    ui.role.textContent = `${data.me.name} · ${data.me.role}`;
    ui.role.className = `role ${data.me.role}`;
    renderTimeline(data.timeline);
    if (s.tab === 'home') renderHome(data.home);
    renderModal(data.modal);
  }

  // ------------------------------------------------------------------ modal values

  function inputValue(node) {
    if (node.classList.contains('choices')) {
      const checked = [...node.querySelectorAll('input:checked')].map((i) => i.value);
      return node.dataset.kind === 'radio_buttons' ? (checked[0] ?? null) : checked;
    }
    if (node.tagName === 'SELECT') {
      return node.multiple ? [...node.selectedOptions].map((o) => o.value) : node.value || null;
    }
    return node.value === '' ? null : node.value;
  }

  /** `values[blockId][actionId]` of the open modal (prototype-free: ids come from the bot). */
  function collectValues() {
    const out = Object.create(null);
    for (const node of ui.modalRoot.querySelectorAll('[data-kind]')) {
      const b = node.dataset.block;
      if (!out[b]) out[b] = Object.create(null);
      out[b][node.dataset.action] = inputValue(node);
    }
    return out;
  }

  function restoreValues(values) {
    for (const node of ui.modalRoot.querySelectorAll('[data-kind]')) {
      const block = values[node.dataset.block];
      if (!block || !(node.dataset.action in block)) continue;
      const v = block[node.dataset.action];
      const list = Array.isArray(v) ? v : v === null ? [] : [v];
      if (node.classList.contains('choices')) {
        for (const i of node.querySelectorAll('input')) i.checked = list.includes(i.value);
      } else if (node.tagName === 'SELECT') {
        for (const o of node.options) o.selected = list.includes(o.value);
      } else if (typeof v === 'string' || v === null) {
        node.value = v ?? '';
      }
    }
  }

  // ------------------------------------------------------------------ actions

  function lookup(ref) {
    const area = registry[ref?.[0]];
    return area ? area[Number(ref.slice(1))] : undefined;
  }

  function target(d) {
    if (d.viewId) return { viewId: d.viewId };
    if (d.ephemeralId) return { ephemeralId: d.ephemeralId };
    return { messageTs: d.messageTs };
  }

  const inModal = (d) => Boolean(d.viewId) && d.viewId === s.modalId;

  async function press(node) {
    const d = lookup(node.dataset.el);
    if (d?.kind !== 'button') return;
    if (d.confirm) {
      const c = d.confirm;
      if (!window.confirm(`${c.title}\n\n${c.text}\n\nOK = ${c.confirm} · Cancel = ${c.deny}`)) return;
    }
    if (d.url) window.open(d.url, '_blank', 'noopener,noreferrer');
    const body = { user: s.user, actionId: d.actionId, blockId: d.blockId, text: d.text, ...target(d) };
    if (typeof d.value === 'string') body.value = d.value;
    if (inModal(d)) body.values = collectValues();
    node.disabled = true;
    await post('/api/click', body);
    node.disabled = false;
  }

  async function choose(node) {
    const d = lookup(node.dataset.el);
    if (!d) return;
    if (d.kind === 'select') {
      const selected = node.multiple ? [...node.selectedOptions].map((o) => o.value) : node.value;
      if (selected === '') return;
      await post('/api/select', {
        user: s.user,
        actionId: d.actionId,
        blockId: d.blockId,
        type: d.type,
        selected,
        ...target(d),
      });
    } else if (d.kind === 'input') {
      // dispatch_action on an input: a choice is sent at once (text inputs are not).
      const selected = inputValue(node);
      if (selected === null || (!Array.isArray(selected) && node.tagName !== 'SELECT')) return;
      await post('/api/select', {
        user: s.user,
        actionId: d.actionId,
        blockId: d.blockId,
        type: d.type,
        selected,
        viewId: d.viewId,
        values: collectValues(),
      });
    }
  }

  document.addEventListener('click', (ev) => {
    const t = ev.target instanceof Element ? ev.target : null;
    if (!t) return;
    const dismiss = t.closest('[data-dismiss]');
    if (dismiss) return void post('/api/dismiss', { user: s.user, id: dismiss.dataset.dismiss });
    if (t.closest('[data-close]')) return void closeModal();
    const goto = t.closest('[data-goto]');
    if (goto) return void jumpTo(goto.dataset.goto);
    const chip = t.closest('[data-cmd]');
    if (chip) {
      ui.cmd.value = chip.dataset.cmd;
      ui.cmd.focus();
      return;
    }
    const btn = t.closest('button[data-el]');
    if (btn) void press(btn);
  });

  document.addEventListener('change', (ev) => {
    const t = ev.target instanceof Element ? ev.target.closest('[data-el]') : null;
    if (t && t.tagName !== 'BUTTON') void choose(t);
  });

  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && s.modalId) closeModal();
    const goto = ev.target instanceof Element ? ev.target.closest('[data-goto]') : null;
    if (ev.key === 'Enter' && goto) jumpTo(goto.dataset.goto);
  });

  document.addEventListener('submit', (ev) => {
    if (!(ev.target instanceof HTMLFormElement) || ev.target.id !== 'modal-form') return;
    ev.preventDefault();
    void post('/api/submit', { user: s.user, viewId: s.modalId, values: collectValues() });
  });

  /** A permalink to a message of the channel: show it. */
  function jumpTo(ts) {
    if (s.tab !== 'channel') showTab('channel');
    const node = [...ui.timeline.querySelectorAll('[data-ts]')].find((n) => n.dataset.ts === ts);
    if (!node) return toast('That message is no longer in the channel.');
    node.scrollIntoView({ block: 'center' });
    node.classList.add('flash');
    setTimeout(() => node.classList.remove('flash'), 1600);
  }

  function closeModal() {
    if (s.modalId) void post('/api/close', { user: s.user, viewId: s.modalId });
  }

  // ------------------------------------------------------------------ composer

  ui.composer.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = ui.cmd.value.trim();
    if (!text) return;
    if (s.history.at(-1) !== text) s.history.push(text);
    s.history = s.history.slice(-100);
    localStorage.setItem(HISTORY_KEY, JSON.stringify(s.history));
    s.historyPos = -1;
    ui.cmd.value = '';
    void post('/api/command', { user: s.user, text });
  });

  ui.cmd.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowUp' && s.history.length) {
      ev.preventDefault();
      if (s.historyPos === -1) {
        s.draft = ui.cmd.value;
        s.historyPos = s.history.length - 1;
      } else s.historyPos = Math.max(0, s.historyPos - 1);
      ui.cmd.value = s.history[s.historyPos];
    } else if (ev.key === 'ArrowDown' && s.historyPos !== -1) {
      ev.preventDefault();
      s.historyPos += 1;
      if (s.historyPos >= s.history.length) {
        s.historyPos = -1;
        ui.cmd.value = s.draft;
      } else ui.cmd.value = s.history[s.historyPos];
    }
  });

  // ------------------------------------------------------------------ user and tabs

  function showTab(tab) {
    s.tab = tab;
    ui.channelPane.hidden = tab !== 'channel';
    ui.homePane.hidden = tab !== 'home';
    ui.navChannel.classList.toggle('active', tab === 'channel');
    ui.navHome.classList.toggle('active', tab === 'home');
    ui.title.textContent = tab === 'home' ? 'mms · Home' : `# ${s.channel.name || 'data-migrations'}`;
    if (tab === 'home') {
      s.keys.home = '';
      void post('/api/home', { user: s.user });
    } else ui.cmd.focus();
  }

  ui.navChannel.addEventListener('click', () => showTab('channel'));
  ui.navHome.addEventListener('click', () => showTab('home'));

  ui.user.addEventListener('change', () => {
    s.user = ui.user.value;
    localStorage.setItem(USER_KEY, s.user);
    s.keys = { timeline: '', home: '', modal: '' };
    s.modalId = '';
    s.rendered = s.requested;
    if (s.tab === 'home') void post('/api/home', { user: s.user });
    void refresh();
  });

  loop();
  ui.cmd.focus();
})();
