// A job's thread keeps no stale buttons: once the job moves on (retried, resumed, finished, deleted), the
// watcher edits its earlier messages that carry buttons, through the outbox, replacing the buttons with a
// line that says what happened. A delete confirmed in Slack is told on the job's card and in its thread.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../src/store/outbox.js';
import type { RecordedCall, StoredMessage } from '../helpers/slack-api.js';
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

const ASKER = 'U0OPS00001';
const DATE = /<!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>/;

async function startJob(name: string, tables: string[]) {
  const cardTs = await w.postCard();
  const asyncId = await w.createJob(name, tables);
  inst.watcher.register(w.target('async', asyncId, name, cardTs));
  await cycleUntil(w, inst.watcher, () => inst.services.watches.active('job').length === 1);
  const job = inst.services.watches.active('job')[0]!;
  return { cardTs, jobId: job.objectId, watchId: job.id };
}

const idle = () => inst.services.watches.active().length === 0 && inst.watcher.outbox.pendingCount() === 0;
const hasActions = (m: StoredMessage | undefined) =>
  ((m?.blocks ?? []) as Array<{ type?: string }>).some((b) => b.type === 'actions');
const updatesOf = (ts: string): RecordedCall[] =>
  w.api.callsTo('chat.update').filter((c) => c.ok && c.args['ts'] === ts);
const cardLink = (cardTs: string) => `/archives/${CHANNEL}/p${cardTs.replace('.', '')}|the job’s card>`;

/** A job whose `orders` task fails once: watched to its FAILED end. */
async function failedJob(name: string) {
  w.sim.failTask(
    { table: 'orders' },
    { phase: 'DATA', msg: 'java.net.ConnectException: Connection refused' },
  );
  const started = await startJob(name, ['orders', 'customers']);
  await cycleUntil(w, inst.watcher, idle);
  const thread = w.api.replies(CHANNEL, started.cardTs);
  const failure = thread.find((m) => /Task failed/.test(m.text))!;
  const summary = thread.find((m) => /finished: FAILED/.test(m.text))!;
  return { ...started, failure, summary };
}

/** A retry confirmed in Slack on a new card, as the confirm flow registers it. */
async function retryFromSlack(jobId: number, name: string) {
  const second = await w.postCard();
  await w.mms.retryJob(w.sourceId, jobId);
  inst.watcher.register({
    ...w.target('job', jobId, name, second),
    done: `Retry started for job ${name} (#${jobId}).`,
    write: 'retry',
  });
  return second;
}

describe('failure → retry → DONE', () => {
  it('edits the failure and the FAILED summary: no buttons left, a line saying who retried and when', async () => {
    const { cardTs, jobId, failure, summary } = await failedJob('retry_me');
    // A FAILED end leaves the failure's buttons alone: retrying that task still fits.
    expect(buttons(failure).some((b) => b.startsWith('retry-task '))).toBe(true);
    expect(buttons(summary)).toContain(`retry ${w.sourceId} ${jobId}`);
    expect(updatesOf(failure.ts)).toHaveLength(0);

    await retryFromSlack(jobId, 'retry_me');
    await cycleUntil(w, inst.watcher, idle);
    await cycle(w, inst.watcher, 0);

    const thread = w.api.replies(CHANNEL, cardTs);
    expect(thread.at(-1)!.text).toMatch(/finished: DONE/);
    // No Retry anywhere in the thread once DONE.
    for (const m of thread) expect(buttons(m).filter((b) => /^retry(-task)? /.test(b))).toEqual([]);
    for (const old of [failure, summary]) {
      // Settled when the retry was seen, and told the outcome when the job ended.
      const calls = updatesOf(old.ts);
      expect(calls).toHaveLength(2);
      expect(JSON.stringify(calls[0]!.args['blocks'])).toMatch(
        new RegExp(`🔁 Retried ${DATE.source} by <@${ASKER}> — see <https://`),
      );
      const now = thread.find((m) => m.ts === old.ts)!;
      expect(hasActions(now)).toBe(false);
      const text = textOf(now);
      expect(text).toMatch(
        new RegExp(
          `🔁 Retried ${DATE.source} by <@${ASKER}>; the job then finished ✅ \\*DONE\\* ${DATE.source} — see <https://`,
        ),
      );
      expect(text).toContain(cardLink(cardTs));
      // The rest of the message stays as it was.
      expect(now.text).toBe(old.text);
    }
    expect(textOf(thread.find((m) => m.ts === failure.ts))).toContain('Cause:');
    // The DONE summary keeps what fits a finished job (Details).
    expect(buttons(thread.at(-1))).toEqual([`job ${w.sourceId} ${jobId}`]);
    // What the card last said is public (its glance): a stale button pressed now is told it.
    const job = inst.services.watches.recent(5).find((x) => x.kind === 'job')!;
    expect(job.glance?.last).toMatchObject({ kind: 'finished', status: 'DONE' });
    // Edits only: every message once.
    const keys = thread.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a crash between committing the edit and sending it: sent once by the next process', async () => {
    for (const mode of ['before', 'after'] as const) {
      await w.close();
      w = await startWorld();
      let crashed: string | null = null;
      const hook = (m: 'before' | 'after') => (row: OutboxRow) => {
        if (m === mode && crashed === null && row.key.endsWith(':settled')) {
          crashed = row.key;
          throw new Error(`crash ${mode} sending ${row.key}`);
        }
      };
      inst = w.open({ holder: 'first', hooks: { beforeSend: hook('before'), afterSend: hook('after') } });
      const { cardTs, jobId, failure } = await failedJob(`crash_${mode}`);
      await retryFromSlack(jobId, `crash_${mode}`);
      await expect(cycleUntil(w, inst.watcher, idle)).rejects.toThrow(/crash/);
      expect(crashed).toMatch(/:settled$/);
      inst.kill();
      w.clock.advance(121_000);
      inst = w.open({ holder: 'second' });
      await cycleUntil(w, inst.watcher, idle);

      const thread = w.api.replies(CHANNEL, cardTs);
      const keys = thread.map(keyOf);
      expect(new Set(keys).size).toBe(keys.length);
      const now = thread.find((m) => m.ts === failure.ts)!;
      expect(hasActions(now)).toBe(false);
      // The line is there once, whether the edit went out once (crash before) or twice (after: an edit
      // is idempotent, and carries the same content).
      expect(textOf(now).match(/🔁 Retried/g)).toHaveLength(1);
      // The retry's edit once (crash before) or twice (after: idempotent, same content), then the outcome's.
      expect(updatesOf(failure.ts)).toHaveLength(mode === 'before' ? 2 : 3);
    }
  });
});

describe('the edit of a message Slack never took', () => {
  it('is dropped, not retried: there is nothing to edit', async () => {
    const { watchId } = await startJob('refused', ['orders']);
    const outbox = inst.watcher.outbox;
    const of = `w${watchId}:refused-post`;
    outbox.enqueue({
      key: of,
      watchId,
      channel: CHANNEL,
      kind: 'thread',
      payload: { text: 'x', blocks: [] },
    });
    outbox.drop(outbox.get(of)!.id, 'invalid_blocks');
    const edit = `${of}:settled`;
    outbox.enqueue({
      key: edit,
      watchId,
      channel: CHANNEL,
      kind: 'update',
      payload: { text: 'edited', blocks: [], of },
    });
    await cycle(w, inst.watcher, 0);
    expect(outbox.get(edit)).toMatchObject({ lastError: 'dropped: the message to edit was never posted' });
    expect(outbox.get(edit)!.sentAt).not.toBeNull();
    expect(w.api.callsTo('chat.update').filter((c) => c.args['text'] === 'edited')).toEqual([]);
  });
});

describe('stop → resume', () => {
  it('settles the Resume button of the stop message once the job runs again', async () => {
    const { cardTs, jobId } = await startJob('pausable', ['orders', 'customers', 'payments']);
    await cycle(w, inst.watcher);
    await w.mms.stopJob(w.sourceId, jobId);
    await cycle(w, inst.watcher);
    const stop = w.api.replies(CHANNEL, cardTs).find((m) => /stopped$/.test(m.text))!;
    expect(buttons(stop)).toContain(`start ${w.sourceId} ${jobId}`);

    await w.mms.startJob(w.sourceId, jobId);
    inst.watcher.register({
      ...w.target('job', jobId, 'pausable', await w.postCard()),
      user: 'U0OPS00002',
      write: 'start',
    });
    await cycle(w, inst.watcher);
    const now = w.api.replies(CHANNEL, cardTs).find((m) => m.ts === stop.ts)!;
    expect(hasActions(now)).toBe(false);
    expect(textOf(now)).toMatch(new RegExp(`▶️ Resumed ${DATE.source} by <@U0OPS00002>`));
    expect(textOf(now)).toContain('stopped; running tasks are paused');
  });
});

describe('a job finishing DONE', () => {
  it('settles the buttons a finished job no longer fits, saying how it ended', async () => {
    const { cardTs, jobId } = await startJob('stop_then_done', ['orders', 'customers']);
    await cycle(w, inst.watcher);
    await w.mms.stopJob(w.sourceId, jobId);
    await cycle(w, inst.watcher);
    // Resumed outside Slack: nobody to name.
    await w.mms.startJob(w.sourceId, jobId);
    await cycleUntil(w, inst.watcher, idle);
    const stop = w.api.replies(CHANNEL, cardTs).find((m) => /stopped$/.test(m.text))!;
    expect(hasActions(stop)).toBe(false);
    expect(textOf(stop)).toMatch(new RegExp(`▶️ Resumed ${DATE.source} — see <https://`));
  });
});

describe('delete confirmed in Slack', () => {
  it('draws the card as deleted, says so once in its thread, settles its buttons, links the confirmation', async () => {
    const { cardTs, jobId, watchId, failure, summary } = await failedJob('doomed');
    const posts = w.api.callsTo('chat.postMessage').length;
    const confirmation = await w.postCard();
    await w.mms.deleteJob(w.sourceId, jobId);
    inst.watcher.register({
      ...w.target('job', jobId, 'doomed', confirmation),
      done: `Job doomed (#${jobId}) deleted.`,
      write: 'delete',
    });
    await cycleUntil(w, inst.watcher, idle);
    await cycle(w, inst.watcher, 0);
    await cycle(w, inst.watcher, 0);

    const card = w.api.messages(CHANNEL).find((m) => m.ts === cardTs)!;
    expect(card.text).toMatch(/doomed \(#\d+\) deleted/);
    expect(textOf(card)).toContain('*deleted*');
    expect(hasActions(card)).toBe(false);
    // One message in the thread, naming who deleted it; the watcher adds none of its own after.
    const thread = w.api.replies(CHANNEL, cardTs);
    const said = thread.filter((m) => /deleted/.test(m.text));
    expect(said.map(keyOf)).toEqual([`w${watchId}:deleted`]);
    expect(said[0]!.text).toContain(`deleted by <@${ASKER}>`);
    expect(thread.every((m) => !hasActions(m))).toBe(true);
    for (const old of [failure, summary]) {
      const now = thread.find((m) => m.ts === old.ts)!;
      expect(textOf(now)).toMatch(new RegExp(`🗑️ The job was deleted ${DATE.source} by <@${ASKER}>`));
    }
    // The confirmation card says what was done and links to the job's card; nothing new at top level.
    const conf = w.api.messages(CHANNEL).find((m) => m.ts === confirmation)!;
    expect(textOf(conf)).toContain(`Job doomed (#${jobId}) deleted.`);
    expect(textOf(conf)).toContain(`/archives/${CHANNEL}/p${cardTs.replace('.', '')}|its card>`);
    expect(w.api.messages(CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(2);
    // Two posts since: the confirmation card (standing in) and the one thread message.
    expect(w.api.callsTo('chat.postMessage').length - posts).toBe(2);
    expect(inst.services.watches.active()).toHaveLength(0);
  });

  it('does nothing for a job with no card, and watches nothing', async () => {
    const confirmation = await w.postCard();
    inst.watcher.register({ ...w.target('job', 4242, 'ghost', confirmation), write: 'delete' });
    await cycle(w, inst.watcher, 0);
    expect(inst.services.watches.recent(10)).toHaveLength(0);
    expect(w.api.callsTo('chat.update')).toHaveLength(0);
  });
});
