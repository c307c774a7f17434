// A job's life as the watcher tells it: from the confirmation card through the async creation to DONE,
// failures with their diagnosis, verification mismatches, stop/resume, deletion.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../helpers/slack-api.js';
import {
  buttons,
  CHANNEL,
  cycle,
  cycleUntil,
  type Instance,
  keyOf,
  startWorld,
  textOf,
  type World,
} from './setup.js';

let w: World;
let inst: Instance;

beforeEach(async () => {
  w = await startWorld();
  inst = w.open();
});
afterEach(async () => {
  await w.close();
});

/** Creates a job in MMS and registers its async task on a fresh card, as a confirmed migrate does. */
async function startJob(name: string, tables: string[]) {
  const cardTs = await w.postCard();
  const asyncId = await w.createJob(name, tables);
  inst.watcher.register(w.target('async', asyncId, name, cardTs));
  return { cardTs, asyncId };
}

const jobWatch = () =>
  inst.services.watches.active('job')[0] ?? inst.services.watches.recent(10).find((x) => x.kind === 'job');

describe('a job from confirmation to DONE', () => {
  it('edits the card in place, keeps one thread, ends with one summary broadcast to the channel', async () => {
    const { cardTs } = await startJob('orders_mig', ['orders', 'customers']);
    await inst.watcher.tick();
    const card0 = w.api.messages(CHANNEL).find((m) => m.ts === cardTs);
    expect(textOf(card0)).toContain('Creating job');

    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    await cycle(w, inst.watcher, 0);

    const top = w.api.messages(CHANNEL).filter((m) => !m.thread_ts);
    expect(top).toHaveLength(1);
    const card = top[0]!;
    expect(card.ts).toBe(cardTs);
    expect(card.updates).toBeGreaterThan(0);
    expect(card.text).toMatch(/Job orders_mig \(#\d+\) finished: DONE, 2\/2 tasks/);

    const thread = w.api.replies(CHANNEL, cardTs);
    const texts = thread.map((m) => m.text);
    expect(texts[0]).toMatch(/created and started/);
    const summaries = thread.filter((m) => /finished: DONE/.test(m.text));
    const broadcasts = thread.filter((m) => m.reply_broadcast);
    expect(summaries).toHaveLength(1);
    expect(broadcasts).toEqual(summaries);
    expect(textOf(summaries[0])).toContain('2 of 2 tasks');
    expect(textOf(summaries[0])).toContain('2 passed · 0 failed');
    // Every event once.
    const keys = thread.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    // Nothing left to send, and no further cycle posts anything.
    const before = w.api.calls.length;
    await cycle(w, inst.watcher, 1);
    await cycle(w, inst.watcher, 1);
    expect(w.api.calls.filter((c) => c.method.startsWith('chat.')).length).toBe(
      w.api.calls.slice(0, before).filter((c) => c.method.startsWith('chat.')).length,
    );
  });
});

describe('failures', () => {
  it('diagnoses a failed task in the thread, with a Retry button', async () => {
    w.sim.failTask(
      { table: 'customers' },
      {
        phase: 'SCHEMA',
        action: 'create table if not exists mc_sales.default.customers (id bigint);',
        msg:
          "ODPS-0420095: Access Denied - Authorization Failed [4019], You have NO privilege 'odps:CreateTable' on " +
          '{acs:odps:*:projects/mc_sales}. --->Tips: Pricipal:RAM$1688003712345678:role/aliyunserviceroleformaxcomputemms',
      },
    );
    const { cardTs } = await startJob('cust_mig', ['orders', 'customers']);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    const thread = w.api.replies(CHANNEL, cardTs);
    const failed = thread.find((m) => /Task failed/.test(m.text));
    expect(failed).toBeDefined();
    expect(textOf(failed)).toContain('has no grants on the target project mc_sales');
    expect(textOf(failed)).toContain('GRANT admin TO USER');
    expect(buttons(failed).some((b) => /^retry-task \d+ \d+$/.test(b))).toBe(true);
    // The fix names the next command as a person types it: the source by its name.
    expect(textOf(failed)).toMatch(/\/mms retry-task hive-test \d+/);

    const summary = thread.find((m) => /finished: FAILED/.test(m.text))!;
    expect(textOf(summary)).toContain('permission on target project (1)');
    expect(buttons(summary).some((b) => /^retry \d+ \d+$/.test(b))).toBe(true);
    const line = thread.find((m) => m.reply_broadcast)!;
    expect(line.text).toMatch(/finished: FAILED, 1 failed \(permission on target project\)/);
    expect(buttons(line).some((b) => /^retry \d+ \d+$/.test(b))).toBe(true);
    // The card shows the failure too.
    const card = w.api.messages(CHANNEL).find((m) => m.ts === cardTs)!;
    expect(card.text).toMatch(/finished: FAILED, 1\/2 tasks, 1 failed/);
    printExample(card, thread);
  });

  it('reports a verification mismatch with both counts', async () => {
    w.sim.failTask(
      { table: 'orders' },
      {
        phase: 'VERIFICATION',
        action: 'select count(*) from sales.orders',
        msg: 'source count 1203331, destination count 1203117',
      },
    );
    const { cardTs } = await startJob('verify_mig', ['orders']);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    const thread = w.api.replies(CHANNEL, cardTs);
    const v = thread.find((m) => /Verification failed/.test(m.text))!;
    expect(v).toBeDefined();
    expect(textOf(v)).toContain('source 1,203,331 · destination 1,203,117');
    expect(v.text).toContain('source 1203331, destination 1203117');
    const summary = thread.find((m) => /finished: FAILED/.test(m.text))!;
    expect(textOf(summary)).toContain('0 passed · 1 failed');
    expect(textOf(summary)).toContain('verification mismatch (1)');
  });
});

describe('stop, resume, delete', () => {
  it('announces stop and resume once each', async () => {
    const { cardTs } = await startJob('stoppable', ['orders', 'customers', 'payments']);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active('job').length === 1);
    await cycle(w, inst.watcher);
    const job = jobWatch()!;
    await w.mms.stopJob(w.sourceId, job.objectId);
    await cycle(w, inst.watcher);
    await cycle(w, inst.watcher);
    await cycle(w, inst.watcher);
    await w.mms.startJob(w.sourceId, job.objectId);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    const texts = w.api.replies(CHANNEL, cardTs).map((m) => m.text);
    expect(texts.filter((t) => /stopped$/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /resumed$/.test(t))).toHaveLength(1);
    expect(texts.findIndex((t) => /stopped$/.test(t))).toBeLessThan(
      texts.findIndex((t) => /resumed$/.test(t)),
    );
    expect(texts.at(-1)).toMatch(/finished: DONE/);
  });

  it('ends the watch of a job deleted in MMS, with a note', async () => {
    const { cardTs } = await startJob('doomed', ['orders', 'customers']);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active('job').length === 1);
    await cycle(w, inst.watcher);
    const job = jobWatch()!;
    await w.mms.stopJob(w.sourceId, job.objectId);
    await w.mms.deleteJob(w.sourceId, job.objectId);
    w.sim.resetCalls();
    const r = await cycle(w, inst.watcher, 0);
    expect(r.mmsCallsByAction['GetMmsJob']).toBe(1);
    expect(inst.services.watches.active()).toHaveLength(0);
    const last = w.api.replies(CHANNEL, cardTs).at(-1)!;
    expect(last.text).toMatch(/was deleted in MMS; no longer watched/);
    const card = w.api.messages(CHANNEL).find((m) => m.ts === cardTs)!;
    expect(card.text).toMatch(/doomed \(#\d+\) deleted/);
    // Nothing on it to press for a job that is gone.
    expect(buttons(card)).toEqual([]);
    await cycle(w, inst.watcher);
    expect(w.api.replies(CHANNEL, cardTs).filter((m) => /deleted/.test(m.text))).toHaveLength(1);
  });
});

/** The example the report quotes: the card and the thread of a failed job (PRINT_EXAMPLE=1). */
function printExample(card: StoredMessage, thread: StoredMessage[]): void {
  if (!process.env['PRINT_EXAMPLE']) return;
  const show = (label: string, m: StoredMessage) => {
    const blocks = (m.blocks ?? []) as Array<{
      type: string;
      text?: { text: string };
      fields?: Array<{ text: string }>;
      elements?: Array<{ text?: string | { text: string } }>;
    }>;
    const lines = blocks.flatMap((b) => {
      if (b.type === 'section')
        return [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text.replace(/\n/g, ': '))];
      if (b.type === 'context')
        return (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : ''));
      if (b.type === 'actions')
        return [
          `[${(b.elements ?? []).map((e) => (typeof e.text === 'object' ? e.text.text : '')).join('] [')}]`,
        ];
      return [];
    });
    return `--- ${label} (text: ${m.text})\n${lines.filter(Boolean).join('\n')}`;
  };
  console.log(
    [show('CARD', card), ...thread.map((m) => show(m.reply_broadcast ? 'BROADCAST' : 'THREAD', m))].join(
      '\n',
    ),
  );
}
