// App Home, jobs started outside Slack, scans, capped waits and expired confirmation cards.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHANNEL,
  cycle,
  cycleUntil,
  type Instance,
  keyOf,
  NOTIFY,
  startWorld,
  textOf,
  type World,
} from './setup.js';

let w: World;

beforeEach(async () => {
  w = await startWorld();
});
afterEach(async () => {
  await w.close();
});

async function watchJob(inst: Instance, name: string, tables: string[]) {
  const cardTs = await w.postCard();
  const asyncId = await w.createJob(name, tables);
  inst.watcher.register(w.target('async', asyncId, name, cardTs));
  return cardTs;
}

const homeText = (v: unknown): string => JSON.stringify(v);

describe('App Home', () => {
  it('shows the active jobs with links to their cards, and a recent failure with its diagnosis', async () => {
    const inst = w.open();
    w.sim.failTask(
      { table: 'refunds' },
      { phase: 'DATA', msg: 'java.net.ConnectException: Connection refused (Connection refused)' },
    );
    await watchJob(inst, 'long_one', ['orders', 'customers', 'payments', 'shipments', 'returns']);
    const failCard = await watchJob(inst, 'short_fail', ['refunds']);
    await cycleUntil(w, inst.watcher, () =>
      w.api.replies(CHANNEL, failCard).some((m) => /finished: FAILED/.test(m.text)),
    );
    expect(inst.services.watches.active('job').map((x) => x.label)).toEqual(['long_one']);

    const view = await inst.watcher.homeView('U0HOME0001');
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = homeText(view);
    expect(text).toContain('long_one');
    expect(text).toMatch(/DOING/);
    expect(text).toContain('https://example.slack.com/archives/');
    expect(text).toContain('short_fail');
    expect(text).toContain('source connectivity');
    expect(text).toMatch(/Cause:.*refunds|refunds.*Cause:/s);

    // Changes are published to the user who opened Home, at most once per 30 s.
    w.api.reset();
    for (let i = 0; i < 4; i++) {
      w.sim.step();
      w.clock.advance(10_000);
      await inst.watcher.tick();
    }
    const publishes = w.api.callsTo('views.publish');
    expect(publishes.length).toBeGreaterThan(0);
    expect(publishes.length).toBeLessThanOrEqual(2);
    expect(homeText(w.api.homeView('U0HOME0001'))).toContain('long_one');
  });
});

describe('jobs started outside Slack', () => {
  it('are announced once in the notify channel; history and Slack-created jobs are not', async () => {
    const inst = w.open({ notifyChannel: NOTIFY });
    // An older job that existed before the bot looked: recorded, never announced.
    await w.createJob('old_console_job', ['customers']);
    w.sim.step(2);
    await watchJob(inst, 'from_slack', ['orders']);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    expect(w.api.messages(NOTIFY)).toHaveLength(0);

    await w.createJob('console_job', ['payments']);
    await cycleUntil(w, inst.watcher, () =>
      w.api.messages(NOTIFY).some((m) => /finished: DONE/.test(m.text) && m.reply_broadcast),
    );
    for (let i = 0; i < 3; i++) await cycle(w, inst.watcher);
    const top = w.api.messages(NOTIFY).filter((m) => !m.thread_ts);
    expect(top).toHaveLength(1);
    expect(top[0]!.text).toMatch(/console_job/);
    const thread = w.api.replies(NOTIFY, top[0]!.ts);
    expect(thread[0]!.text).toMatch(/console_job \(#\d+\) started outside Slack/);
    const keys = thread.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    expect(w.api.messages(NOTIFY).some((m) => /from_slack|old_console_job/.test(m.text))).toBe(false);
  });
});

describe('scans', () => {
  it('posts progress on the card and the result counts when done', async () => {
    const inst = w.open();
    const sid = w.sim.addSource({
      name: 'fresh-src',
      scanned: false,
      dbs: [
        { name: 'crm', tables: [{ name: 'leads', partitions: ['20250101', '20250102'] }, { name: 'deals' }] },
      ],
    });
    const { scanId } = await w.mms.createFetchMetadataJob(sid);
    const cardTs = await w.postCard();
    inst.watcher.register({
      ...w.target('scan', scanId, `scan #${scanId}`, cardTs),
      sourceId: sid,
      sourceName: 'fresh-src',
    });
    await cycle(w, inst.watcher);
    const card = () => w.api.messages(CHANNEL).find((m) => m.ts === cardTs)!;
    expect(textOf(card())).toMatch(/30%/);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    expect(textOf(card())).toContain('1 databases · 2 tables · 2 partitions');
    expect(w.api.replies(CHANNEL, cardTs).map((m) => m.text)).toEqual([`Scan #${scanId} finished`]);
  });

  it('shows the error of a failed scan', async () => {
    const inst = w.open();
    const sid = w.sim.addSource({
      name: 'broken-src',
      scanned: false,
      failScan: 'connect to metastore thrift://10.0.3.17:9083 failed: Connection refused',
    });
    const { scanId } = await w.mms.createFetchMetadataJob(sid);
    const cardTs = await w.postCard();
    inst.watcher.register({
      ...w.target('scan', scanId, `scan #${scanId}`, cardTs),
      sourceId: sid,
      sourceName: 'broken-src',
    });
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    await cycle(w, inst.watcher, 0);
    const reply = w.api.replies(CHANNEL, cardTs)[0]!;
    expect(reply.text).toMatch(/failed: connect to metastore .* Connection refused/);
    expect(textOf(w.api.messages(CHANNEL).find((m) => m.ts === cardTs))).toContain('Failed');
  });

  it('gives up waiting after 15 minutes, with a clear note', async () => {
    const inst = w.open();
    const { scanId } = await w.mms.createFetchMetadataJob(w.sourceId);
    const cardTs = await w.postCard();
    inst.watcher.register(w.target('scan', scanId, `scan #${scanId}`, cardTs));
    for (let i = 0; i < 33; i++) {
      w.clock.advance(30_000);
      await inst.watcher.tick();
    }
    expect(inst.services.watches.active()).toHaveLength(0);
    const notes = w.api.replies(CHANNEL, cardTs).filter((m) => /Gave up waiting/.test(m.text));
    expect(notes).toHaveLength(1);
    expect(textOf(w.api.messages(CHANNEL).find((m) => m.ts === cardTs))).toContain('Gave up waiting');
  });
});

describe('confirmation cards', () => {
  it('are edited when they expire', async () => {
    const inst = w.open();
    const ts = await w.postCard();
    const { confirmation } = inst.confirmations.create({
      operation: 'stop',
      region: 'cn-hangzhou',
      payload: {},
      view: { title: 'Stop migration job', params: [{ label: 'Job', value: 'x (#1)' }], warnings: [] },
      lockKey: null,
      channel: CHANNEL,
      requestedBy: 'U0OPS00001',
      secondApprover: false,
      ttlSeconds: 60,
    });
    inst.confirmations.setMessage(confirmation.id, ts);
    w.clock.advance(61_000);
    const r = await inst.watcher.tick();
    expect(r.expired).toBe(1);
    const card = w.api.messages(CHANNEL).find((m) => m.ts === ts)!;
    expect(card.updates).toBe(1);
    expect(textOf(card)).toMatch(/expired/i);
    await cycle(w, inst.watcher, 0);
    expect(w.api.messages(CHANNEL).find((m) => m.ts === ts)!.updates).toBe(1);
  });
});
