// The page's renderer (src/sandbox/ui/render.js, the code the browser runs), loaded in node.
import { describe, expect, it } from 'vitest';
import {
  blocksToHtml,
  escapeHtml,
  loadRenderer,
  mrkdwnToHtml,
  type RenderCtx,
} from '../../src/sandbox/renderer.js';

const XSS = '<img src=x onerror=alert(1)>';

/** No markup an attacker could have written: no tags but ours, no handler attributes, no script URLs. */
function expectInert(html: string): void {
  expect(html).not.toMatch(
    /<(?!\/?(b|i|s|code|pre|br|a|span|div|button|hr|select|option|optgroup|label|input|textarea|small|ul|li)\b)/i,
  );
  expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
  expect(html).not.toMatch(/href="(?!https?:|mailto:)/i);
}

describe('escapeHtml', () => {
  it('escapes every character that matters in text and in attribute values', () => {
    expect(escapeHtml(XSS)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`"'&<>\``)).toBe('&quot;&#39;&amp;&lt;&gt;&#96;');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('mrkdwn', () => {
  const names = { U0OPS00001: 'alice', C0DATA0001: 'data-migrations' };

  it('formats bold, italic, strike, code, pre, links, mentions and dates', () => {
    const html = mrkdwnToHtml(
      '*Job* _done_ ~old~ `a_b*c` <https://example.com/x?a=1&amp;b=2|the console> <@U0OPS00001> <#C0DATA0001> ' +
        '<!date^1700000000^{time}|2023-11-14 22:13 UTC>\n```\nselect *\nfrom t\n```',
      { names },
    );
    expect(html).toContain('<b>Job</b>');
    expect(html).toContain('<i>done</i>');
    expect(html).toContain('<s>old</s>');
    expect(html).toContain('<code>a_b*c</code>');
    expect(html).toContain(
      '<a href="https://example.com/x?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">the console</a>',
    );
    expect(html).toContain('<span class="mention">@alice</span>');
    expect(html).toContain('<span class="mention">#data-migrations</span>');
    expect(html).toContain('>2023-11-14 22:13 UTC</span>');
    expect(html).toContain('22:13 UTC</span><pre>select *\nfrom t</pre>');
    expect(mrkdwnToHtml('a\nb')).toBe('a<br>b');
  });

  it('leaves snake_case names and lone markers alone', () => {
    expect(mrkdwnToHtml('sales_orders_2025 and a * b')).toBe('sales_orders_2025 and a * b');
    expect(mrkdwnToHtml('_(empty)_')).toBe('<i>(empty)</i>');
  });

  it('shows Slack-escaped text as the characters it stands for, escaped again for HTML', () => {
    expect(mrkdwnToHtml('&lt;script&gt;alert(1)&lt;/script&gt; &amp;')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp;',
    );
  });

  it('keeps raw markup inert wherever it appears', () => {
    for (const src of [
      XSS,
      `*${XSS}*`,
      `\`${XSS}\``,
      `\`\`\`${XSS}\`\`\``,
      `<javascript:alert(1)|${XSS}>`,
      '<javascript:alert(1)>',
      `<https://ok.example/"onmouseover="alert(1)|x>`,
      `<@U1|${XSS}>`,
      `<!date^1^{time}|${XSS}>`,
      `<!subteam^S1|${XSS}>`,
      `:${XSS}:`,
      `\uE0000\uE001 ${XSS}`,
    ]) {
      const html = mrkdwnToHtml(src);
      expectInert(html);
      expect(html).not.toContain('<img');
    }
    expect(mrkdwnToHtml('<javascript:alert(1)|click>')).toBe('click');
    expect(mrkdwnToHtml('<https://ok.example/"onmouseover="alert(1)|x>')).toContain(
      '&quot;onmouseover=&quot;',
    );
  });

  it('turns permalinks to messages of this channel into jumps, leaves others as links', () => {
    const channel = { id: 'C0DATA0001', name: 'data-migrations' };
    const link = '<https://example.slack.com/archives/C0DATA0001/p1700000000000300|card>';
    expect(mrkdwnToHtml(link, { channel })).toBe(
      '<span class="permalink" role="link" tabindex="0" data-goto="1700000000.000300">card</span>',
    );
    expect(mrkdwnToHtml(link, { channel: { id: 'C0OTHER001', name: 'x' } })).toContain(
      '<a href="https://example.slack.com/archives/C0DATA0001/p1700000000000300"',
    );
  });

  it('knows the emoji the bot uses and no prototype names', () => {
    expect(mrkdwnToHtml(':hourglass_flowing_sand: :warning: :no_entry:')).toBe('⏳ ⚠️ ⛔');
    expect(mrkdwnToHtml(':constructor: :__proto__:')).toBe(':constructor: :__proto__:');
  });
});

describe('blocks', () => {
  it('renders the kinds of blocks the bot sends, and registers buttons without their values in the HTML', () => {
    const ctx: RenderCtx = { area: 't', where: { messageTs: '1700000000.000100' } };
    const html = blocksToHtml(
      [
        { type: 'header', text: { type: 'plain_text', text: `Scan ${XSS}` } },
        { type: 'section', text: { type: 'mrkdwn', text: '*Source* hive-prod' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Status*\nDOING' },
            { type: 'mrkdwn', text: '*Tables*\n12' },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Requested by <@U0VIEW0001>' }] },
        { type: 'divider' },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'mms_confirm',
              value: 'abc"><b>x',
              text: { type: 'plain_text', text: 'Confirm' },
              style: 'primary',
            },
            {
              type: 'button',
              action_id: 'mms_run:1',
              value: 'delete hive-prod 3',
              style: 'danger',
              text: { type: 'plain_text', text: 'Delete' },
              confirm: {
                title: { type: 'plain_text', text: 'Sure?' },
                text: { type: 'plain_text', text: 'It &amp; its tasks go.' },
                confirm: { type: 'plain_text', text: 'Delete' },
                deny: { type: 'plain_text', text: 'Back' },
              },
            },
          ],
        },
        { type: 'weird_new_block' },
      ],
      ctx,
    );
    expectInert(html);
    expect(html).toContain('<div class="b-header">Scan &lt;img src=x onerror=alert(1)&gt;</div>');
    expect(html).toContain('<div class="fields">');
    expect(html).toContain('<hr class="b-divider">');
    expect(html).toContain('<button type="button" class="btn primary" data-el="t0">Confirm</button>');
    expect(html).toContain('class="btn danger" data-el="t1"');
    expect(html).not.toContain('abc');
    expect(html).toContain('[unsupported block: weird_new_block]');
    expect(ctx.els).toEqual([
      expect.objectContaining({
        kind: 'button',
        actionId: 'mms_confirm',
        value: 'abc"><b>x',
        messageTs: '1700000000.000100',
      }),
      expect.objectContaining({
        actionId: 'mms_run:1',
        value: 'delete hive-prod 3',
        confirm: { title: 'Sure?', text: 'It & its tasks go.', confirm: 'Delete', deny: 'Back' },
      }),
    ]);
  });

  it('shows the fallback text of a message without blocks', () => {
    expect(blocksToHtml(undefined, {}, `*hi* ${XSS}`)).toBe(
      '<div class="mrkdwn"><b>hi</b> &lt;img src=x onerror=alert(1)&gt;</div>',
    );
  });

  it('renders modal inputs with their ids, initial values, errors, and hostile option values escaped', () => {
    const r = loadRenderer();
    const ctx: RenderCtx = { area: 'm', where: { viewId: 'V1' }, errors: { db: `Choose ${XSS}` } };
    const html = r.view(
      {
        type: 'modal',
        blocks: [
          {
            type: 'input',
            block_id: 'db',
            dispatch_action: true,
            label: { type: 'plain_text', text: 'Database' },
            element: {
              type: 'static_select',
              action_id: 'mms_migrate_db',
              options: [{ text: { type: 'plain_text', text: XSS }, value: '"><script>alert(1)</script>' }],
            },
          },
          {
            type: 'input',
            block_id: 'tables',
            optional: true,
            label: { type: 'plain_text', text: 'Tables' },
            element: {
              type: 'multi_static_select',
              action_id: 'tables',
              options: [{ text: { type: 'plain_text', text: 'orders' }, value: 'orders' }],
              initial_options: [{ text: { type: 'plain_text', text: 'orders' }, value: 'orders' }],
            },
          },
          {
            type: 'input',
            block_id: 'options',
            label: { type: 'plain_text', text: 'Options' },
            element: {
              type: 'checkboxes',
              action_id: 'options',
              options: [
                { text: { type: 'plain_text', text: 'Schema' }, value: 'schema' },
                { text: { type: 'plain_text', text: 'Data' }, value: 'data' },
              ],
              initial_options: [{ text: { type: 'plain_text', text: 'Schema' }, value: 'schema' }],
            },
          },
          {
            type: 'input',
            block_id: 'name',
            label: { type: 'plain_text', text: 'Name' },
            element: {
              type: 'plain_text_input',
              action_id: 'name',
              initial_value: '"><b>',
              max_length: 3000,
              placeholder: { type: 'plain_text', text: 'job name' },
            },
          },
        ],
      },
      ctx,
    );
    expectInert(html);
    expect(html).not.toContain('<script');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain(
      'data-block="db" data-action="mms_migrate_db" data-kind="static_select" data-el="m0"',
    );
    expect(html).toContain('<div class="error">Choose &lt;img src=x onerror=alert(1)&gt;</div>');
    expect(html).toMatch(
      /<select multiple size="3" data-block="tables"[^>]*><option value="orders" selected>/,
    );
    expect(html).toContain('value="schema" checked');
    expect(html).not.toContain('value="data" checked');
    expect(html).toContain('value="&quot;&gt;&lt;b&gt;"');
    expect(html).toContain('maxlength="3000"');
    expect(ctx.els).toEqual([
      expect.objectContaining({ kind: 'input', actionId: 'mms_migrate_db', viewId: 'V1' }),
    ]);
  });
});
