// Buttons: run buttons (a command text in the value), Confirm and Cancel on confirmation cards.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { ApproveResult, ConfirmFlow } from '../../confirm/flow.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { WatchTarget } from '../../operations/types.js';
import type { Confirmation } from '../../store/confirmations.js';
import { ACTION_CANCEL, ACTION_CONFIRM, RUN_ACTION_ID } from '../../ui/actions.js';
import type { SlackMessage } from '../../ui/types.js';
import { commandLabel } from '../commands.js';
import type { Dispatcher } from '../dispatch.js';

export interface ActionDeps {
  dispatcher: Dispatcher;
  flow: ConfirmFlow;
  logger: Logger;
  metrics: Metrics;
  onWatch?: (w: WatchTarget) => void;
}

const ConfirmationId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const CommandText = z.string().min(1).max(2000);

type Body = BlockAction<ButtonAction>;

export function registerActions(app: App, d: ActionDeps): void {
  app.action<Body>(RUN_ACTION_ID, async ({ ack, body, action, respond, client }) => {
    await ack();
    const text = CommandText.safeParse(action.value);
    if (!text.success) return void (await tell(client, body, 'That button carries no valid command.'));
    d.metrics.commands.inc({ command: commandLabel(text.data) });
    const answer = await d.dispatcher.handle(
      text.data,
      {
        user: body.user.id,
        channel: body.channel?.id ?? body.user.id,
        team: body.team?.id,
        responseUrl: body.response_url,
        triggerId: body.trigger_id,
      },
      client,
    );
    if (answer.kind !== 'reply') return;
    if (body.response_url)
      await respond({ response_type: 'ephemeral', replace_original: false, ...answer.message });
    else await client.chat.postMessage({ channel: body.user.id, ...answer.message });
  });

  app.action<Body>(ACTION_CONFIRM, async ({ ack, body, action, client }) => {
    await ack();
    const id = ConfirmationId.safeParse(action.value);
    if (!id.success)
      return void (await tell(client, body, 'This confirmation button is malformed; nothing ran.'));
    const user = body.user.id;
    const result = await d.flow.approve(id.data, user, (c) =>
      d.dispatcher.context(c.region, { user, channel: c.channel, team: c.team ?? undefined }),
    );
    await settle(d, client, body, result);
    if (result.kind === 'finished' && result.watch) {
      const c = result.confirmation;
      const cardTs = c.messageTs ?? body.message?.ts ?? null;
      // The card turns into the job's live card; its confirmed form (every parameter, who asked, who
      // confirmed) stays on record as the first reply in its thread.
      if (cardTs) await keepRecord(d, client, c, cardTs);
      d.onWatch?.({ ...result.watch, channel: c.channel, user: c.requestedBy, region: c.region, cardTs });
    }
  });

  app.action<Body>(ACTION_CANCEL, async ({ ack, body, action, client }) => {
    await ack();
    const id = ConfirmationId.safeParse(action.value);
    if (!id.success) return void (await tell(client, body, 'This cancel button is malformed.'));
    await settle(d, client, body, await d.flow.cancel(id.data, body.user.id));
  });
}

async function keepRecord(
  d: ActionDeps,
  client: WebClient,
  c: Confirmation,
  threadTs: string,
): Promise<void> {
  const card = d.flow.card(c, d.dispatcher.render(c.region));
  try {
    await client.chat.postMessage({
      channel: c.channel,
      thread_ts: threadTs,
      text: card.text,
      blocks: card.blocks,
    });
  } catch (err) {
    d.logger.warn({ err }, 'cannot keep the confirmed card in the thread');
  }
}

/** Shows the outcome: the card edited in place, or a word to the clicker alone. */
async function settle(d: ActionDeps, client: WebClient, body: Body, r: ApproveResult): Promise<void> {
  if (r.kind === 'missing') return tell(client, body, 'This confirmation is no longer known; nothing ran.');
  if (r.kind === 'rejected') return tell(client, body, `:no_entry: ${r.reason}`);
  d.metrics.confirmations.inc({ state: r.confirmation.state });
  await updateCard(d, client, body, r.confirmation);
  // The card now says what happened; a word to the clicker only when their click did nothing (a Cancel
  // that just cancelled is said once, on the card).
  const justCancelled = r.confirmation.state === 'cancelled' && r.confirmation.actedBy === body.user.id;
  if (r.kind === 'settled' && r.confirmation.state !== 'pending' && !justCancelled) {
    await tell(client, body, alreadySettled(r.confirmation));
  }
}

/**
 * Shows the card as it is now: edited in place, else replaced through the response URL, else posted anew
 * in the channel. Never throws: the outcome is already recorded, and what follows (the watch) must run.
 */
export async function updateCard(
  d: ActionDeps,
  client: WebClient,
  body: Body,
  c: Confirmation,
): Promise<void> {
  const card = d.flow.card(c, d.dispatcher.render(c.region));
  const channel = body.channel?.id ?? c.channel;
  const ts = body.message?.ts ?? c.messageTs;
  try {
    if (!ts) throw new Error('no message ts');
    await client.chat.update({ channel, ts, text: card.text, blocks: card.blocks });
    return;
  } catch (e) {
    d.logger.warn({ err: e }, 'chat.update of a confirmation card failed; replacing through response_url');
  }
  try {
    if (await replace(body, card)) return;
  } catch (e) {
    d.logger.warn({ err: e }, 'cannot replace the confirmation card through response_url');
  }
  try {
    await client.chat.postMessage({ channel, text: card.text, blocks: card.blocks });
  } catch (e) {
    d.logger.error({ err: e, confirmation: c.id }, 'cannot show the outcome of a confirmation anywhere');
  }
}

/** True when Slack took the replacement (a response URL lives 30 minutes and takes five posts). */
async function replace(body: Body, card: SlackMessage): Promise<boolean> {
  if (!body.response_url) return false;
  const res = await fetch(body.response_url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ replace_original: true, ...card }),
  });
  return res.ok;
}

/** Why a click on a settled card did nothing, in words that fit its state. */
export function alreadySettled(c: Pick<Confirmation, 'state' | 'actedBy'>): string {
  const by = c.actedBy ? `<@${c.actedBy}>` : null;
  switch (c.state) {
    case 'running':
      return `This request is already running${by ? `: ${by} confirmed it` : ''}. Nothing more was started.`;
    case 'done':
      return `This request already ran${by ? `: ${by} confirmed it` : ''}. Nothing more was started.`;
    case 'failed':
      return `This request already ran and failed${by ? ` (confirmed by ${by})` : ''}. Run the command again to retry.`;
    case 'cancelled':
      return `This request was cancelled${by ? ` by ${by}` : ''}. Run the command again for a new card.`;
    case 'expired':
      return 'This request expired; nothing ran. Run the command again for a new card.';
    case 'changed':
      return 'This request did not run: things changed since the card was shown. Run the command again.';
    case 'rejected':
      return `This request was rejected${by ? ` (${by})` : ''}; nothing ran.`;
    default:
      return 'This request is waiting for confirmation.';
  }
}

/** A message only the clicker sees. */
async function tell(client: WebClient, body: Body, text: string): Promise<void> {
  const channel = body.channel?.id;
  if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
  else await client.chat.postMessage({ channel: body.user.id, text });
}
