// The sandbox end to end over loopback HTTP: its page, its JSON API, the real bot behind it.
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRenderer } from '../../src/sandbox/renderer.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tempDir } from '../helpers/tmp.js';
import {
  ALICE,
  BOB,
  CAROL,
  confirmId,
  ephemerals,
  messages,
  post,
  state,
  text,
  waitForState,
} from './helpers.js';

const XSS = '<img src=x onerror=alert(1)>';

describe('sandbox', () => {
  let sb: Sandbox;
  const tmp = tempDir('mms-sandbox-');
  beforeAll(async () => {
    sb = await startSandbox({
      port: 0,
      dbPath: join(tmp.dir, 'sandbox.db'),
      autoStepMs: 0,
      logLevel: 'silent',
    });
  });
  afterAll(async () => {
    await sb?.close();
    tmp.cleanup();
  });

  it('serves one page under a strict CSP, with no external URL', async () => {
    const res = await fetch(sb.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\ssrc=|<link\b|@import|url\(/i);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).toBe(`<script nonce="${nonce}">`);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).toContain('alice (operator)');
    expect(html).toContain('carol (viewer)');
  });

  it('refuses other hosts, other origins, other content types and bad bodies', async () => {
    // fetch() cannot set Host: a raw request (DNS rebinding sends the attacker's name).
    expect(await rawStatus(sb.url, '/api/state?user=U0OPS00001', { host: 'evil.example' })).toBe(421);
    expect(await rawStatus(sb.url, '/', { host: `localhost:${new URL(sb.url).port}` })).toBe(200);
    const origin = { origin: 'http://evil.example' };
    expect((await post(sb.url, '/api/command', { user: ALICE, text: 'sources' }, origin)).status).toBe(403);
    const form = await fetch(new URL('/api/command', sb.url), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    expect((await post(sb.url, '/api/command', { user: 'U0NOBODY01', text: 'sources' })).status).toBe(400);
    expect((await post(sb.url, '/api/click', { user: ALICE, actionId: 'mms_run', value: 'x' })).status).toBe(
      400,
    );
  });

  it('answers `/mms sources` with an ephemeral only the asker sees', async () => {
    const r = await post(sb.url, '/api/command', { user: ALICE, text: '/mms sources' });
    expect(r).toMatchObject({ status: 200, body: { ok: true } });
    const eph = await waitForState(
      sb.url,
      ALICE,
      (s) => ephemerals(s).find((e) => e.via !== 'command' && text(e).includes('hive-prod')),
      'the sources list',
    );
    expect(eph.blocks?.length).toBeGreaterThan(0);
    const bob = await state(sb.url, BOB);
    expect(text(bob.timeline)).not.toContain('hive-prod');
    expect(messages(await state(sb.url, ALICE))).toHaveLength(0);
  });

  it('a viewer asks for a scan, cannot confirm it, an operator can', async () => {
    await post(sb.url, '/api/command', { user: CAROL, text: 'scan hive-prod' });
    const card = await waitForState(
      sb.url,
      CAROL,
      (s) => messages(s).find((m) => confirmId(m) && text(m).includes('scan')),
      'the confirmation card',
    );
    const id = confirmId(card)!;
    // Everyone sees the card in the channel.
    expect(messages(await state(sb.url, ALICE)).map((m) => m.ts)).toContain(card.ts);

    const refused = await post(sb.url, '/api/click', {
      user: CAROL,
      actionId: 'mms_confirm',
      value: id,
      messageTs: card.ts,
    });
    expect(refused.status).toBe(200);
    await waitForState(
      sb.url,
      CAROL,
      (s) => ephemerals(s).find((e) => /Only operators/.test(e.text)),
      "carol's refusal",
    );
    const still = messages(await state(sb.url, CAROL)).find((m) => m.ts === card.ts)!;
    expect(confirmId(still)).toBe(id);
    const scans = () =>
      sb.sim.calls.filter((c) => c.action === 'CreateMmsFetchMetadataJob' && c.status < 400);
    expect(scans()).toHaveLength(0);

    await post(sb.url, '/api/click', { user: ALICE, actionId: 'mms_confirm', value: id, messageTs: card.ts });
    const changed = await waitForState(
      sb.url,
      ALICE,
      (s) => messages(s).find((m) => m.ts === card.ts && m.edited && !confirmId(m)),
      'the card to change',
    );
    expect(scans()).toHaveLength(1);
    expect(text(changed.blocks)).toContain(ALICE);
    expect(text(changed.blocks)).toMatch(/Running|Done/);
    // The simulator does not step on its own here: let the scan finish for the next tests.
    sb.sim.runUntilIdle();
  });

  it('opens the migrate form, loads tables on a database choice, and submits it', async () => {
    await post(sb.url, '/api/command', { user: BOB, text: 'migrate hive-prod' });
    const opened = await waitForState(
      sb.url,
      BOB,
      (s) => s.modal && text(s.modal.view).includes('mms_migrate_db') && s.modal,
      'the migrate form',
    );
    const empty = await post(sb.url, '/api/submit', { user: BOB, viewId: opened.id, values: {} });
    expect(empty.body.errors).toMatchObject({ db: expect.any(String) });

    await post(sb.url, '/api/select', {
      user: BOB,
      viewId: opened.id,
      blockId: 'db',
      actionId: 'mms_migrate_db',
      selected: 'sales',
      values: { db: { mms_migrate_db: 'sales' } },
    });
    const withTables = await waitForState(
      sb.url,
      BOB,
      (s) => s.modal && text(s.modal.view).includes('multi_static_select') && s.modal,
      'the table menu',
    );
    const done = await post(sb.url, '/api/submit', {
      user: BOB,
      viewId: withTables.id,
      values: {
        db: { mms_migrate_db: 'sales' },
        scope: { scope: 'only' },
        tables: { tables: ['orders', 'customers'] },
        options: { options: ['schema', 'data', 'verify'] },
        name: { name: 'sandbox_form_job' },
      },
    });
    expect(done.body).toMatchObject({ ok: true });
    expect(done.body.errors).toBeUndefined();
    const card = await waitForState(
      sb.url,
      BOB,
      (s) => messages(s).find((m) => text(m).includes('sandbox_form_job')),
      'the migrate card',
    );
    expect(text(card.blocks)).toContain('customers');
    expect((await state(sb.url, BOB)).modal).toBeNull();
  });

  it('shows the Home tab the bot publishes', async () => {
    expect((await post(sb.url, '/api/home', { user: ALICE })).status).toBe(200);
    const home = await waitForState(sb.url, ALICE, (s) => s.home, 'the Home tab');
    expect(home.type).toBe('home');
  });

  it('renders hostile MMS data and hostile message text as text', async () => {
    sb.sim.addSource({ name: 'xss-probe', errMsg: `${XSS}<script>alert(2)</script>` });
    await post(sb.url, '/api/command', { user: ALICE, text: 'sources xss-probe' });
    const eph = await waitForState(
      sb.url,
      ALICE,
      (s) => ephemerals(s).find((e) => e.via !== 'command' && text(e).includes('xss-probe')),
      'the probe source',
    );
    // Worst case: a message that carries the markup unescaped.
    await fetch(`${sb.api.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0DATA0001', text: `careless ${XSS}` }),
    });
    const raw = await waitForState(
      sb.url,
      ALICE,
      (s) => messages(s).find((m) => m.text.startsWith('careless')),
      'the careless message',
    );
    const r = loadRenderer();
    for (const m of [eph, raw]) {
      const html = r.blocks(m.blocks, { names: {} }, m.text);
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).not.toMatch(/<img|<script/i);
      // No attribute of a real tag: inside text, `<` is always escaped.
      expect(html).not.toMatch(/<[^>]*\sonerror=/i);
    }
  });

  it("a new run over the same SQLite file retires the old run's pending cards", async () => {
    const db = join(tmp.dir, 'reused.db');
    const opts = { port: 0, dbPath: db, autoStepMs: 0, logLevel: 'silent' } as const;
    const first = await startSandbox(opts);
    await post(first.url, '/api/command', { user: ALICE, text: 'stop hive-prod sales_orders_2025' });
    await waitForState(first.url, ALICE, (s) => messages(s).find((m) => confirmId(m)), 'the first card');
    await first.close();
    const second = await startSandbox(opts);
    try {
      await post(second.url, '/api/command', { user: ALICE, text: 'stop hive-prod sales_orders_2025' });
      await waitForState(second.url, ALICE, (s) => messages(s).find((m) => confirmId(m)), 'a fresh card');
    } finally {
      await second.close();
    }
  });

  it('close() frees the port', async () => {
    const other = await startSandbox({
      port: 0,
      dbPath: join(tmp.dir, 'second.db'),
      autoStepMs: 0,
      logLevel: 'silent',
    });
    const port = Number(new URL(other.url).port);
    const botPort = Number(new URL(other.botUrl).port);
    expect(await canConnect(port)).toBe(true);
    await other.close();
    expect(await canConnect(port)).toBe(false);
    expect(await canConnect(botPort)).toBe(false);
  });
});

function rawStatus(base: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method: 'GET', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
