import { describe, expect, it } from 'vitest';
import {
  confirmationDone,
  jobDeletedMessage,
  jobRetriedMessage,
  settledMessage,
  settledNote,
  taskFailedMessage,
} from '../../src/ui/events.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, buttons, textOf } from './limits.js';

const ctx = {
  source: { id: 2000015, name: 'hive-prod' },
  region: 'cn-hangzhou',
  defaultRegion: 'cn-hangzhou',
};
const AT = Date.UTC(2025, 5, 3, 2, 30);
const DATE = `<!date^${AT / 1000}^{date_short_pretty} {time}|2025-06-03 02:30 UTC>`;
const LINK = 'https://slack.com/archives/C0WATCH001/p1749000000000100';

const failure = taskFailedMessage(
  { id: 10, name: 'orders_mig' },
  {
    task: { id: 7603, status: 'DATA_FAILED', retriedTimes: 0 },
    diagnosis: {
      taskId: 7603,
      table: 'sales.orders',
      phase: 'data',
      category: 'source-connectivity',
      cause: 'The agent cannot reach the source.',
      fix: 'Fix the network path.',
      evidence: ['java.net.ConnectException: Connection refused'],
    },
  },
  ctx,
);

describe('settledMessage', () => {
  it('keeps the message, drops its buttons, and says what happened, when, by whom, with the card', () => {
    expect(buttons(failure).length).toBeGreaterThan(0);
    const m = settledMessage(failure, { what: 'retried', at: AT, by: 'U0OPS00001' }, LINK);
    expect(buttons(m)).toEqual([]);
    expect((m.blocks as Array<{ type: string }>).some((b) => b.type === 'actions')).toBe(false);
    expect(m.text).toBe(failure.text);
    expect(m.blocks.slice(0, -1)).toEqual(failure.blocks.filter((b) => b.type !== 'actions'));
    expect(textOf(m)).toContain(`🔁 Retried ${DATE} by <@U0OPS00001> — see <${LINK}|the job’s card>.`);
    assertWithinLimits(m);
  });

  it('words each change', () => {
    expect(settledNote({ what: 'resumed', at: AT }, null)).toBe(`▶️ Resumed ${DATE}.`);
    expect(settledNote({ what: 'finished', at: AT, status: 'DONE' }, LINK)).toBe(
      `✅ The job finished *DONE* ${DATE} — see <${LINK}|the job’s card>.`,
    );
    expect(settledNote({ what: 'ran-again', at: AT }, null)).toBe(`🔁 The job ran again ${DATE}.`);
    expect(
      settledNote({ what: 'retried', at: AT, by: 'U0OPS00001', outcome: { status: 'DONE', at: AT } }, LINK),
    ).toBe(
      `🔁 Retried ${DATE} by <@U0OPS00001>; the job then finished ✅ *DONE* ${DATE} — see <${LINK}|the job’s card>.`,
    );
    expect(settledNote({ what: 'retried', at: AT, outcome: { status: INJECT, at: AT } }, null)).not.toContain(
      '<!here>',
    );
    expect(settledNote({ what: 'deleted', at: AT, by: 'U0OPS00002' }, LINK)).toBe(
      `🗑️ The job was deleted ${DATE} by <@U0OPS00002>; its buttons are gone with it.`,
    );
  });

  it('never turns what it is given into a ping or a link', () => {
    const note = settledNote({ what: 'finished', at: AT, status: INJECT, by: INJECT }, `${LINK}|x> <!here`);
    expectNoInjection({ text: note, blocks: [] });
    expect(note).not.toContain('|x>');
    expect(settledNote({ what: 'retried', at: AT, by: '<!channel>' }, null)).toContain('by &lt;!channel&gt;');
  });
});

describe('delete', () => {
  it('names who deleted the job from Slack, and links the confirmation card to the job card', () => {
    expect(jobDeletedMessage({ id: 10, name: 'orders_mig' }, 'U0OPS00001').text).toBe(
      'Job orders_mig (#10) was deleted by <@U0OPS00001>; no longer watched',
    );
    expect(jobDeletedMessage({ id: 10, name: 'orders_mig' }).text).toMatch(/deleted in MMS/);
    const done = confirmationDone(
      'Job orders_mig (#10) deleted.',
      { id: 10, name: 'orders_mig' },
      LINK,
      true,
    );
    expect(textOf(done)).toContain(`The history of job *orders_mig* \`#10\` stays on <${LINK}|its card>.`);
    expect(textOf(done)).not.toMatch(/continue/);
  });
});

describe('retried', () => {
  it('names the tables requeued, a table with several tasks once, and no task ids', () => {
    const m = jobRetriedMessage({ id: 4, name: 'orders_mig' }, [
      { id: 7601, table: 'sales.orders' },
      { id: 7602, table: 'sales.orders' },
      { id: 7603, table: 'sales.customers' },
    ]);
    const t = textOf(m);
    expect(t).toContain('3 tasks requeued: sales.orders (2 tasks), sales.customers');
    expect(t).not.toContain('7601');
  });
});
