// The page's renderer (ui/render.js), loaded in node: the same code the browser runs, for tests and for
// anything on the server that wants to see a message as the page shows it.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

/** The source of the renderer, as the page inlines it. */
export const RENDER_JS = readFileSync(new URL('./ui/render.js', import.meta.url), 'utf8');

export interface RenderCtx {
  /** Display names by user/channel id, for `<@U…>` and `<#C…>`. */
  names?: Record<string, string>;
  /** Interactive elements found while rendering (filled in). */
  els?: Array<Record<string, unknown>>;
  /** Prefix of `data-el` ids: `t` timeline, `h` home, `m` modal. */
  area?: string;
  /** Added to every registered element: where it is (messageTs, ephemeralId or viewId). */
  where?: Record<string, string>;
  /** Input errors by block id (modals). */
  errors?: Record<string, string>;
  users?: Array<{ id: string; name: string }>;
  channel?: { id: string; name: string };
}

export interface Renderer {
  /** Text → HTML text or attribute value: escapes & < > " ' and the backtick. */
  escapeHtml(value: unknown): string;
  /** Slack's &lt; &gt; &amp; → characters. */
  decodeSlack(value: unknown): string;
  /** Slack mrkdwn → HTML. */
  mrkdwn(text: unknown, ctx?: RenderCtx): string;
  /** A plain_text object → HTML text. */
  plain(t: unknown): string;
  textObj(t: unknown, ctx?: RenderCtx): string;
  /** Block Kit blocks → HTML (the fallback text when there are none). */
  blocks(list: unknown, ctx: RenderCtx, fallbackText?: string): string;
  /** A view's blocks → HTML. */
  view(v: unknown, ctx: RenderCtx): string;
}

/** A fresh instance of the renderer, evaluated in its own context as the browser would. */
export function loadRenderer(): Renderer {
  const context: { SandboxRender?: Renderer } = {};
  runInNewContext(RENDER_JS, context, { filename: 'render.js' });
  if (!context.SandboxRender) throw new Error('ui/render.js did not define SandboxRender');
  return context.SandboxRender;
}

const shared = loadRenderer();
export const escapeHtml = (value: unknown): string => shared.escapeHtml(value);
export const mrkdwnToHtml = (text: unknown, ctx?: RenderCtx): string => shared.mrkdwn(text, ctx);
export const blocksToHtml = (list: unknown, ctx: RenderCtx = {}, fallbackText?: string): string =>
  shared.blocks(list, ctx, fallbackText);
