// Block Kit → HTML for the sandbox page. Plain browser JavaScript with no DOM access, so node can load the
// very same code (src/sandbox/renderer.ts) and test it. Every string that comes from a message, a view or
// MMS goes through escapeHtml (text and attribute values alike); markup is only ever added around text that
// is already escaped. Interactive elements carry `data-el="<area><index>"` pointing into `ctx.els`, never
// their values.
(() => {
  const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

  /** Text → HTML text or attribute value (quotes too). */
  function escapeHtml(value) {
    return String(value ?? '').replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]);
  }

  /** Slack's three entities → characters (Slack text arrives with &, <, > escaped). */
  function decodeSlack(value) {
    return String(value ?? '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }

  const EMOJI = {
    hourglass_flowing_sand: '⏳',
    hourglass: '⌛',
    warning: '⚠️',
    no_entry: '⛔',
    no_entry_sign: '🚫',
    eyes: '👀',
    white_check_mark: '✅',
    heavy_check_mark: '✔️',
    x: '❌',
    rotating_light: '🚨',
    tada: '🎉',
    mag: '🔍',
    information_source: 'ℹ️',
    bulb: '💡',
    red_circle: '🔴',
    large_green_circle: '🟢',
    large_yellow_circle: '🟡',
    gear: '⚙️',
    lock: '🔒',
    key: '🔑',
    link: '🔗',
    calendar: '📅',
    stopwatch: '⏱️',
    arrows_counterclockwise: '🔄',
    repeat: '🔁',
    busts_in_silhouette: '👥',
    bar_chart: '📊',
    package: '📦',
    memo: '📝',
    point_right: '👉',
    zzz: '💤',
    wrench: '🔧',
    hammer_and_wrench: '🛠️',
    stop_sign: '🛑',
    arrow_forward: '▶️',
    pause_button: '⏸️',
    wastebasket: '🗑️',
    clipboard: '📋',
    books: '📚',
    file_folder: '📁',
    card_index_dividers: '🗂️',
    satellite: '📡',
    thinking_face: '🤔',
  };

  /** `:name:` → the emoji, for names we know (HTML-escaped text in, HTML out). */
  function emoji(html) {
    return html.replace(/:([a-z0-9_+-]{1,40}):/g, (m, name) =>
      Object.hasOwn(EMOJI, name) ? EMOJI[name] : m,
    );
  }

  // Private-use characters mark placeholders for markup built apart; input never keeps them.
  const PH_OPEN = '\uE000';
  const PH_CLOSE = '\uE001';
  const PH_RE = /\uE000(\d+)\uE001/g;

  const BOLD = /(^|[^\p{L}\p{N}_*])\*([^\s*](?:[^*\n]*?[^\s*])?)\*(?![\p{L}\p{N}_*])/gu;
  const ITALIC = /(^|[^\p{L}\p{N}_])_([^\s_](?:[^_\n]*?[^\s_])?)_(?![\p{L}\p{N}_])/gu;
  const STRIKE = /(^|[^\p{L}\p{N}_~])~([^\s~](?:[^~\n]*?[^\s~])?)~(?![\p{L}\p{N}_~])/gu;

  const PERMALINK = /^https:\/\/[a-z0-9-]+\.slack\.com\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})$/;

  function nameOf(ctx, id) {
    return (ctx?.names && Object.hasOwn(ctx.names, id) && ctx.names[id]) || id;
  }

  /** The inside of a `<…>` control sequence → HTML. */
  function control(inner, ctx) {
    const bar = inner.indexOf('|');
    const head = bar < 0 ? inner : inner.slice(0, bar);
    const label = bar < 0 ? '' : inner.slice(bar + 1);
    const labelHtml = () => emoji(escapeHtml(decodeSlack(label)));
    if (head.startsWith('@')) {
      const id = head.slice(1);
      return `<span class="mention">@${escapeHtml(label ? decodeSlack(label) : nameOf(ctx, id))}</span>`;
    }
    if (head.startsWith('#')) {
      const id = head.slice(1);
      return `<span class="mention">#${escapeHtml(label ? decodeSlack(label) : nameOf(ctx, id))}</span>`;
    }
    if (head.startsWith('!')) {
      const word = head.slice(1);
      if (word.startsWith('date^')) {
        const when = new Date(Number(word.split('^')[1]) * 1000);
        const title = Number.isNaN(when.getTime()) ? '' : when.toISOString();
        return `<span class="date" title="${escapeHtml(title)}">${label ? labelHtml() : escapeHtml(word)}</span>`;
      }
      if (/^(here|channel|everyone)$/.test(word)) return `<span class="mention">@${escapeHtml(word)}</span>`;
      if (word.startsWith('subteam^')) {
        return `<span class="mention">${label ? escapeHtml(decodeSlack(label)) : `@${escapeHtml(word.slice(8))}`}</span>`;
      }
      return label ? labelHtml() : escapeHtml(`<${decodeSlack(inner)}>`);
    }
    const url = decodeSlack(head);
    const permalink = PERMALINK.exec(url);
    if (permalink && permalink[1] === ctx?.channel?.id) {
      // A message of this channel: the page scrolls to it (the real permalink leads nowhere here).
      const ts = `${permalink[2]}.${permalink[3]}`;
      return `<span class="permalink" role="link" tabindex="0" data-goto="${escapeHtml(ts)}">${label ? labelHtml() : 'message'}</span>`;
    }
    if (/^(https?:\/\/|mailto:)/i.test(url)) {
      return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label ? labelHtml() : escapeHtml(url)}</a>`;
    }
    // Anything else (javascript:, data:, plain words) stays text.
    return escapeHtml(label ? decodeSlack(label) : `<${decodeSlack(inner)}>`);
  }

  /** A run of mrkdwn without ``` fences. */
  function inline(src, ctx) {
    const parts = [];
    const hold = (html) => {
      parts.push(html);
      return `${PH_OPEN}${parts.length - 1}${PH_CLOSE}`;
    };
    let s = src.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${escapeHtml(decodeSlack(code))}</code>`));
    s = s.replace(/<([^<>\n]*)>/g, (_, inner) => hold(control(inner, ctx)));
    const lines = s.split('\n').map((line) => {
      const quote = line.startsWith('>');
      let h = escapeHtml(decodeSlack(quote ? line.replace(/^>\s?/, '') : line));
      h = h.replace(BOLD, '$1<b>$2</b>').replace(ITALIC, '$1<i>$2</i>').replace(STRIKE, '$1<s>$2</s>');
      h = emoji(h);
      return quote ? `<span class="quote">${h}</span>` : h;
    });
    return lines.join('<br>').replace(PH_RE, (_, i) => parts[Number(i)] ?? '');
  }

  /** Slack mrkdwn (with Slack's own escaping) → HTML. */
  function mrkdwn(text, ctx) {
    const src = String(text ?? '').replace(/[\uE000\uE001]/g, '\uFFFD');
    const pieces = src.split('```');
    // An unclosed fence is text, as in Slack.
    if (pieces.length % 2 === 0) pieces.splice(-2, 2, `${pieces.at(-2)}\`\`\`${pieces.at(-1)}`);
    return pieces
      .map((p, i) => {
        if (i % 2 === 0) {
          // Line breaks around a code block belong to the block.
          let text = p;
          if (i > 0) text = text.replace(/^\n/, '');
          if (i < pieces.length - 1) text = text.replace(/\n$/, '');
          return inline(text, ctx);
        }
        const code = p.replace(/^\n/, '').replace(/\n$/, '');
        return `<pre>${escapeHtml(decodeSlack(code))}</pre>`;
      })
      .join('');
  }

  /** A plain_text object or string → HTML text (emoji names resolved). */
  function plain(t) {
    const s = typeof t === 'string' ? t : t && typeof t.text === 'string' ? t.text : '';
    return emoji(escapeHtml(decodeSlack(s)));
  }

  /** A text object of either kind → HTML. */
  function textObj(t, ctx) {
    if (!t) return '';
    if (typeof t === 'string') return mrkdwn(t, ctx);
    return t.type === 'mrkdwn' ? mrkdwn(t.text, ctx) : plain(t);
  }

  const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const arr = (v) => (Array.isArray(v) ? v : []);

  /** Registers an interactive element; returns its `data-el` attribute. */
  function reg(ctx, desc) {
    const els = ctx.els ?? [];
    ctx.els = els;
    els.push({ ...desc, ...(ctx.where ?? {}) });
    return `data-el="${escapeHtml(`${ctx.area ?? 't'}${els.length - 1}`)}"`;
  }

  function optionsOf(e) {
    const flat = arr(e.options);
    const groups = arr(e.option_groups);
    return [...flat, ...groups.flatMap((g) => arr(g?.options))].filter(isObj);
  }

  function optionTags(e, selected) {
    const one = (o) =>
      `<option value="${escapeHtml(o.value ?? '')}"${selected.has(o.value) ? ' selected' : ''}>${plain(o.text)}</option>`;
    const groups = arr(e.option_groups).filter(isObj);
    if (groups.length) {
      return groups
        .map(
          (g) =>
            `<optgroup label="${escapeHtml(decodeSlack(g.label?.text ?? ''))}">${arr(g.options).map(one).join('')}</optgroup>`,
        )
        .join('');
    }
    return arr(e.options).filter(isObj).map(one).join('');
  }

  const initialValues = (e) =>
    new Set([e.initial_option, ...arr(e.initial_options)].filter(isObj).map((o) => o.value));

  function button(e, blockId, ctx) {
    const style = e.style === 'primary' || e.style === 'danger' ? ` ${e.style}` : '';
    const attr = reg(ctx, {
      kind: 'button',
      actionId: e.action_id ?? '',
      blockId,
      value: e.value,
      text: e.text?.text ?? '',
      url: typeof e.url === 'string' ? e.url : undefined,
      confirm: isObj(e.confirm)
        ? {
            title: decodeSlack(e.confirm.title?.text ?? ''),
            text: decodeSlack(e.confirm.text?.text ?? ''),
            confirm: decodeSlack(e.confirm.confirm?.text ?? 'OK'),
            deny: decodeSlack(e.confirm.deny?.text ?? 'Cancel'),
          }
        : undefined,
    });
    return `<button type="button" class="btn${style}" ${attr}>${plain(e.text)}</button>`;
  }

  /** A select-like element outside an input block: choosing sends a block action at once. */
  function menu(e, blockId, ctx) {
    const type = e.type;
    if (
      type === 'overflow' ||
      type === 'static_select' ||
      type === 'multi_static_select' ||
      type === 'radio_buttons' ||
      type === 'checkboxes'
    ) {
      const multi = type === 'multi_static_select' || type === 'checkboxes';
      const attr = reg(ctx, { kind: 'select', actionId: e.action_id ?? '', blockId, type, multi });
      const placeholder = type === 'overflow' ? '⋯' : plain(e.placeholder) || 'Choose…';
      return `<select class="menu" ${attr}${multi ? ' multiple' : ''}>${multi ? '' : `<option value="">${placeholder}</option>`}${optionTags(e, initialValues(e))}</select>`;
    }
    if (type === 'users_select' || type === 'conversations_select' || type === 'channels_select') {
      const attr = reg(ctx, { kind: 'select', actionId: e.action_id ?? '', blockId, type, multi: false });
      const choices = type === 'users_select' ? (ctx.users ?? []) : [ctx.channel ?? { id: '', name: '' }];
      return `<select class="menu" ${attr}><option value="">${plain(e.placeholder) || 'Choose…'}</option>${choices
        .map((c) => `<option value="${escapeHtml(c.id)}">${escapeHtml(c.name)}</option>`)
        .join('')}</select>`;
    }
    return `<span class="unsupported">[${escapeHtml(type)}]</span>`;
  }

  function element(e, blockId, ctx) {
    if (!isObj(e)) return '';
    switch (e.type) {
      case 'button':
        return button(e, blockId, ctx);
      case 'image':
        return `<span class="image">[image${e.alt_text ? `: ${escapeHtml(e.alt_text)}` : ''}]</span>`;
      case 'mrkdwn':
      case 'plain_text':
        return `<span class="ctx-text">${textObj(e, ctx)}</span>`;
      default:
        return menu(e, blockId, ctx);
    }
  }

  /** The control of an input block (modal forms): named by data-block / data-action / data-kind. */
  function inputControl(b, blockId, ctx) {
    const e = b.element;
    const actionId = e.action_id ?? 'a0';
    const dispatch = b.dispatch_action === true || e.dispatch_action === true;
    const names = `data-block="${escapeHtml(blockId)}" data-action="${escapeHtml(actionId)}" data-kind="${escapeHtml(e.type)}"`;
    const el = dispatch ? ` ${reg(ctx, { kind: 'input', actionId, blockId, type: e.type })}` : '';
    const ph = e.placeholder ? ` placeholder="${escapeHtml(decodeSlack(e.placeholder.text ?? ''))}"` : '';
    const initial = initialValues(e);
    switch (e.type) {
      case 'plain_text_input': {
        const max = Number.isInteger(e.max_length) ? ` maxlength="${e.max_length}"` : '';
        const value = escapeHtml(e.initial_value ?? '');
        return e.multiline
          ? `<textarea ${names}${el}${ph}${max} rows="3">${value}</textarea>`
          : `<input type="text" ${names}${el}${ph}${max} value="${value}">`;
      }
      case 'number_input':
      case 'email_text_input':
      case 'url_text_input': {
        const kind = e.type === 'number_input' ? 'number' : e.type === 'email_text_input' ? 'email' : 'url';
        return `<input type="${kind}" ${names}${el}${ph} value="${escapeHtml(e.initial_value ?? '')}">`;
      }
      case 'datepicker':
        return `<input type="date" ${names}${el} value="${escapeHtml(e.initial_date ?? '')}">`;
      case 'timepicker':
        return `<input type="time" ${names}${el} value="${escapeHtml(e.initial_time ?? '')}">`;
      case 'static_select':
      case 'external_select':
        return `<select ${names}${el}><option value="">${plain(e.placeholder) || 'Choose…'}</option>${optionTags(e, initial)}</select>`;
      case 'multi_static_select': {
        const size = Math.min(8, Math.max(3, optionsOf(e).length));
        return `<select multiple size="${size}" ${names}${el}>${optionTags(e, initial)}</select>`;
      }
      case 'checkboxes':
      case 'radio_buttons': {
        const input = e.type === 'checkboxes' ? 'checkbox' : 'radio';
        const group = escapeHtml(`${blockId}.${actionId}`);
        return `<div class="choices" ${names}${el}>${arr(e.options)
          .filter(isObj)
          .map(
            (o) =>
              `<label class="choice"><input type="${input}" name="${group}" value="${escapeHtml(o.value ?? '')}"${
                initial.has(o.value) ? ' checked' : ''
              }> <span>${textObj(o.text, ctx)}${o.description ? `<small>${textObj(o.description, ctx)}</small>` : ''}</span></label>`,
          )
          .join('')}</div>`;
      }
      case 'users_select':
      case 'multi_users_select': {
        const multi = e.type === 'multi_users_select';
        const chosen = new Set(multi ? arr(e.initial_users) : [e.initial_user]);
        return `<select ${multi ? 'multiple ' : ''}${names}${el}>${multi ? '' : '<option value="">Choose a person</option>'}${(
          ctx.users ?? []
        )
          .map(
            (u) =>
              `<option value="${escapeHtml(u.id)}"${chosen.has(u.id) ? ' selected' : ''}>${escapeHtml(u.name)}</option>`,
          )
          .join('')}</select>`;
      }
      default:
        return `<span class="unsupported">[input: ${escapeHtml(e.type)}]</span>`;
    }
  }

  function richText(v) {
    if (typeof v === 'string') return escapeHtml(v);
    if (Array.isArray(v)) return v.map(richText).join('');
    if (!isObj(v)) return '';
    if (v.type === 'text') return escapeHtml(v.text ?? '');
    if (v.type === 'link') return escapeHtml(v.text ?? v.url ?? '');
    if (v.type === 'emoji') return emoji(escapeHtml(`:${v.name}:`));
    if (v.type === 'user') return `<span class="mention">@${escapeHtml(v.user_id ?? '')}</span>`;
    const inner = richText(v.elements);
    if (v.type === 'rich_text_preformatted') return `<pre>${inner}</pre>`;
    if (v.type === 'rich_text_quote') return `<span class="quote">${inner}</span>`;
    if (v.type === 'rich_text_list')
      return `<ul>${arr(v.elements)
        .map((x) => `<li>${richText(x)}</li>`)
        .join('')}</ul>`;
    return `<div>${inner}</div>`;
  }

  function block(b, index, ctx) {
    if (!isObj(b)) return '';
    const blockId = typeof b.block_id === 'string' && b.block_id !== '' ? b.block_id : `b${index}`;
    switch (b.type) {
      case 'header':
        return `<div class="b-header">${plain(b.text)}</div>`;
      case 'divider':
        return '<hr class="b-divider">';
      case 'section': {
        const text = b.text ? `<div class="mrkdwn">${textObj(b.text, ctx)}</div>` : '';
        const fields = arr(b.fields).length
          ? `<div class="fields">${arr(b.fields)
              .map((f) => `<div class="field">${textObj(f, ctx)}</div>`)
              .join('')}</div>`
          : '';
        const acc = b.accessory ? `<div class="accessory">${element(b.accessory, blockId, ctx)}</div>` : '';
        return `<div class="b-section"><div class="b-main">${text}${fields}</div>${acc}</div>`;
      }
      case 'context':
        return `<div class="b-context">${arr(b.elements)
          .map((e) => element(e, blockId, ctx))
          .join('')}</div>`;
      case 'actions':
        return `<div class="b-actions">${arr(b.elements)
          .map((e) => element(e, blockId, ctx))
          .join('')}</div>`;
      case 'input': {
        if (!isObj(b.element)) return '';
        const err = ctx.errors && Object.hasOwn(ctx.errors, blockId) ? ctx.errors[blockId] : undefined;
        return `<div class="b-input${err ? ' has-error' : ''}"><label class="label">${plain(b.label)}${
          b.optional ? ' <span class="optional">(optional)</span>' : ''
        }</label>${inputControl(b, blockId, ctx)}${b.hint ? `<div class="hint">${plain(b.hint)}</div>` : ''}${
          err ? `<div class="error">${escapeHtml(err)}</div>` : ''
        }</div>`;
      }
      case 'image':
        return `<div class="image">[image${b.alt_text ? `: ${escapeHtml(b.alt_text)}` : ''}]</div>`;
      case 'markdown':
        return `<div class="mrkdwn">${escapeHtml(b.text ?? '').replace(/\n/g, '<br>')}</div>`;
      case 'rich_text':
        return `<div class="mrkdwn">${richText(b.elements)}</div>`;
      default:
        return `<div class="unsupported">[unsupported block: ${escapeHtml(b.type)}]</div>`;
    }
  }

  /** Blocks → HTML; a message with no blocks shows its text as mrkdwn. */
  function blocks(list, ctx, fallbackText) {
    const bs = arr(list);
    if (bs.length === 0) return `<div class="mrkdwn">${mrkdwn(fallbackText ?? '', ctx)}</div>`;
    return bs.map((b, i) => block(b, i, ctx)).join('');
  }

  /** A view (modal or Home tab): its blocks, with input errors. */
  function view(v, ctx) {
    return blocks(isObj(v) ? v.blocks : [], ctx, '');
  }

  globalThis.SandboxRender = { escapeHtml, decodeSlack, mrkdwn, plain, textObj, blocks, view };
})();
