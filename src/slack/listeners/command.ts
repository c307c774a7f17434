// `/mms`: answer in the ack when the work is quick, else ack "working…" and answer through response_url.
import type { App } from '@slack/bolt';
import type { Metrics } from '../../metrics.js';
import { commandLabel } from '../commands.js';
import type { Answer, Dispatcher } from '../dispatch.js';

export interface CommandDeps {
  dispatcher: Dispatcher;
  metrics: Metrics;
  ackBudgetMs: number;
}

export function registerCommand(app: App, d: CommandDeps): void {
  app.command('/mms', async ({ command, ack, respond, client }) => {
    d.metrics.commands.inc({ command: commandLabel(command.text) });
    const work = d.dispatcher.handle(
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
    const early = await Promise.race([work, delay(d.ackBudgetMs)]);
    if (early) {
      await ack(early.kind === 'reply' ? { response_type: 'ephemeral', ...early.message } : undefined);
      return;
    }
    await ack({ response_type: 'ephemeral', text: ':hourglass_flowing_sand: Working on it…' });
    const answer = await work;
    if (answer.kind === 'reply') await respond({ response_type: 'ephemeral', ...answer.message });
  });
}

function delay(ms: number): Promise<Answer | null> {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms).unref());
}
