// `/mms`: an answer that needs no I/O (help, a usage error, what SQLite holds) goes in the ack; anything that
// waits on MMS or Slack is acked at once, before any of its work, and answered through response_url, so
// Slack's 3 s clock never depends on MMS. Tests may give the work a budget before the ack ("working…" when
// it runs out).
import type { Metrics } from '../../metrics.js';
import { commandLabel } from '../commands.js';
import type { Answer, Dispatcher } from '../dispatch.js';
import type { WorkQueue } from '../work-queue.js';
import type { Listeners } from './listeners.js';

export interface CommandDeps {
  dispatcher: Dispatcher;
  metrics: Metrics;
  /** 0: answer in the ack only what is ready without I/O. Above 0: wait that long, then ack "working…". */
  ackBudgetMs: number;
  /** Bounds the work that follows acks. */
  work: WorkQueue;
}

export const BUSY_TEXT =
  ':warning: mms-chatops has too many requests in hand right now; nothing ran. Try again in a minute.';

export function registerCommand(on: Listeners, d: CommandDeps): void {
  on.command('/mms', async ({ command, ack, respond, client }) => {
    const job = d.dispatcher.prepare(
      command.text,
      {
        user: command.user_id,
        channel: command.channel_id,
        team: command.team_id,
        responseUrl: command.response_url,
        triggerId: command.trigger_id,
      },
      client,
    );
    const counted = () => d.metrics.commands.inc({ command: commandLabel(command.text) });
    if (job.local) {
      await ack(inAck(await job.run()));
      return counted();
    }
    if (d.work.full) return void (await ack({ response_type: 'ephemeral', text: BUSY_TEXT }));
    let answer: Answer;
    if (d.ackBudgetMs > 0) {
      // The work starts before the ack, so it must not wait for acks to clear.
      const work = d.work.run(job.run, { yieldToAcks: false });
      const early = await Promise.race([work, delay(d.ackBudgetMs)]);
      if (early) await ack(inAck(early));
      else await ack({ response_type: 'ephemeral', text: ':hourglass_flowing_sand: Working on it…' });
      counted();
      if (early) return;
      answer = await work;
    } else {
      await ack();
      counted();
      answer = await d.work.run(job.run);
    }
    if (answer.kind === 'reply') await respond({ response_type: 'ephemeral', ...answer.message });
  });
}

/** What an answer ready before the ack puts in it: its message, shown to the requester alone. */
function inAck(a: Answer) {
  return a.kind === 'reply' ? { response_type: 'ephemeral' as const, ...a.message } : undefined;
}

function delay(ms: number): Promise<Answer | null> {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms).unref());
}
