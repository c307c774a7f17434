// Text escaping for Slack mrkdwn (SLACK.md §3 "Escaping and injection"). Every MMS- or user-supplied
// string goes through `esc` before it reaches a block, so `<!channel>`, `<@U123>` or `<https://x|y>` in
// MMS data stay text. `&` is replaced first, then `<` and `>`; nothing else is encoded.

const ZWSP = '\u200b';
const ELLIPSIS = '…';

/** Escapes Slack's control characters and neutralises a literal @here / @channel / @everyone. */
export function esc(text: string | number | boolean | null | undefined): string {
  if (text === null || text === undefined) return '';
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(?=(?:here|channel|everyone)\b)/gi, `@${ZWSP}`);
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/** Cut position ≤ `at` that does not split a surrogate pair or an `&amp;`/`&lt;`/`&gt;` entity. */
function safeCut(text: string, at: number): number {
  let cut = Math.max(0, Math.min(at, text.length));
  if (cut > 0 && cut < text.length && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && cut - amp < 5) {
    const m = /^&(?:amp|lt|gt);/.exec(text.slice(amp, amp + 5));
    if (m && amp + m[0].length > cut) cut = amp;
  }
  return cut;
}

/**
 * Shortens `text` to at most `max` UTF-16 units, ending with `…` when cut. Never breaks a surrogate pair
 * (an emoji) or an escaped entity.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max === 1) return ELLIPSIS;
  return text.slice(0, safeCut(text, max - 1)).trimEnd() + ELLIPSIS;
}

/** Keeps the end of `text` (for logs and stack traces), starting with `…` when cut. */
export function truncateStart(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max === 1) return ELLIPSIS;
  let start = text.length - (max - 1);
  // Do not start on the low half of a surrogate pair, nor inside an entity.
  if (isHighSurrogate(text.charCodeAt(start - 1))) start += 1;
  const amp = text.lastIndexOf('&', start - 1);
  if (amp >= 0 && start - amp < 5) {
    const m = /^&(?:amp|lt|gt);/.exec(text.slice(amp, amp + 5));
    if (m && amp + m[0].length > start) start = amp + m[0].length;
  }
  return ELLIPSIS + text.slice(start).trimStart();
}

/** Keeps the head and the tail of `text`, eliding the middle (long error messages). */
export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 20) return truncate(text, max);
  const tail = Math.floor((max - 3) / 3);
  const head = max - 3 - tail;
  return truncate(text, head + 1).slice(0, -1) + ' … ' + truncateStart(text, tail + 1).slice(1);
}

/**
 * Truncates mrkdwn built by the renderers (already escaped) without leaving half a `<link|label>`,
 * mention or date token, or an unclosed ``` fence.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 8) return truncate(text, max);
  // Room for `…` and a closing fence.
  let cut = text.slice(0, safeCut(text, max - 5));
  // Any `<` is ours (user text is escaped): never leave one unclosed.
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  cut = cut.trimEnd();
  const unclosedFence = (cut.split('```').length - 1) % 2 === 1;
  return cut + ELLIPSIS + (unclosedFence ? '\n```' : '');
}

/** Breaks runs of three backticks so text cannot close a code block early. */
const defuseFences = (text: string): string => text.replace(/```/g, `\`${ZWSP}\`${ZWSP}\``);

/** `text` as inline code, escaped; backticks inside are replaced (they cannot be escaped). */
export function inlineCode(text: string | number): string {
  const t = esc(
    String(text)
      .replace(/`/g, 'ˋ')
      .replace(/[\r\n]+/g, ' '),
  );
  return '`' + (t === '' ? ' ' : t) + '`';
}

/**
 * `text` in a ``` code block, escaped; at most `max` characters including the fences. `keep: 'tail'`
 * keeps the end (logs), otherwise the start.
 */
export function codeBlock(text: string, max = 3000, keep: 'head' | 'tail' = 'head'): string {
  const body = esc(defuseFences(text)).replace(/^\n+|\n+$/g, '') || ' ';
  const room = Math.max(1, max - 8);
  const cut = keep === 'tail' ? truncateStart(body, room) : truncate(body, room);
  return '```\n' + cut + '\n```';
}

/** A mrkdwn link. The url must be http(s) and free of `<>|` and spaces; otherwise the label alone. */
export function mdLink(url: string, label: string): string {
  const text = esc(label).replace(/\|/g, '¦');
  if (!/^https?:\/\/[^\s<>|]+$/i.test(url)) return text;
  return `<${url.replace(/&/g, '&amp;')}|${text}>`;
}

/**
 * `<@U…>` for a Slack user id, `<!subteam^S…>` is never produced; anything that is not a user id is shown as
 * escaped text.
 */
export function mentionUser(id: string | null | undefined): string {
  if (!id) return 'someone';
  return /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : esc(id);
}

/** `<#C…>` for a channel id, escaped text otherwise. */
export function mentionChannel(id: string): string {
  return /^[CGD][A-Z0-9]+$/.test(id) ? `<#${id}>` : esc(id);
}

/** Slack date token: shown in the reader's time zone; `fallback` for clients that cannot. */
export function slackDate(d: Date, format = '{date_short_pretty} {time}'): string {
  const sec = Math.floor(d.getTime() / 1000);
  const fallback = d
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC');
  return `<!date^${sec}^${format}|${fallback}>`;
}
