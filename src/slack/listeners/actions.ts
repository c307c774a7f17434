// Buttons: run buttons (a command text in the value), Confirm and Cancel on confirmation cards.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { ApproveResult, ConfirmFlow } from '../../confirm/flow.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { WatchTarget } from '../../operations/types.js';
import type { Confirmation } from '../../store/confirmations.js';
import { storageMessage, storageProblem, storageState } from '../../store/errors.js';
import { ACTION_CANCEL, ACTION_CONFIRM, RUN_ACTION_ID } from '../../ui/actions.js';
import type { SlackMessage } from '../../ui/types.js';
import { commandLabel } from '../commands.js';
import type { Dispatcher } from '../dispatch.js';
import type { WorkQueue } from '../work-queue.js';
import { BUSY_TEXT } from './command.js';
import type { Listeners } from './listeners.js';

export interface ActionDeps {
  dispatcher: Dispatcher;
  flow: ConfirmFlow;
  logger: Logger;
  metrics: Metrics;
  onWatch?: (w: WatchTarget) => void;
  /** Bounds the work that follows the acks of run buttons (shared with `/mms`). */
  work?: WorkQueue;
}

const ConfirmationId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const CommandText = z.string().min(1).max(2000);

type Body = BlockAction<ButtonAction>;

/** How often one person in one channel is told "busy" while their clicks are being refused. */
const BUSY_NOTICE_MS = 10_000;

export function registerActions(on: Listeners, d: ActionDeps): void {
  // When each clicker was last told "busy": a burst of clicks from one person while the bot is busy gets one
  // notice every BUSY_NOTICE_MS, not one Web API call each (which would cost what shedding the work saves).
  const told = new Map<string, number>();
  on.action<Body>(RUN_ACTION_ID, async ({ ack, body, action, respond, client }) => {
    await ack();
    const text = CommandText.safeParse(action.value);
    if (!text.success) return void (await tell(d, client, body, 'That button carries no valid command.'));
    const channel = body.channel?.id;
    // A run button lives on a message in a channel; without one there is nowhere the answer belongs
    // (never the user's DM: the payload, not the bot, would have chosen it).
    if (!channel)
      return void (await tell(d, client, body, 'That button works only on a message in a channel.'));
    d.metrics.commands.inc({ command: commandLabel(text.data) });
    if (d.work?.full) {
      const who = `${channel}:${body.user.id}`;
      const now = Date.now();
      if (now - (told.get(who) ?? Number.NEGATIVE_INFINITY) < BUSY_NOTICE_MS) return;
      if (told.size >= 1000) for (const [k, at] of told) if (now - at >= BUSY_NOTICE_MS) told.delete(k);
      told.set(who, now);
      return void (await tell(d, client, body, BUSY_TEXT));
    }
    const run = () =>
      d.dispatcher.handle(
        text.data,
        {
          user: body.user.id,
          channel,
          team: body.team?.id,
          responseUrl: body.response_url,
          triggerId: body.trigger_id,
        },
        client,
      );
    const answer = await (d.work ? d.work.run(run) : run());
    if (answer.kind !== 'reply') return;
    if (body.response_url)
      await respond({ response_type: 'ephemeral', replace_original: false, ...answer.message });
    else await client.chat.postEphemeral({ channel, user: body.user.id, ...answer.message });
  });

  on.action<Body>(ACTION_CONFIRM, async ({ ack, body, action, client }) => {
    await ack();
    const id = ConfirmationId.safeParse(action.value);
    if (!id.success)
      return void (await tell(d, client, body, 'This confirmation button is malformed; nothing ran.'));
    const user = body.user.id;
    const result = await storageSafe(d, client, body, () =>
      d.flow.approve(id.data, user, origin(body), (c) =>
        d.dispatcher.context(c.region, { user, channel: c.channel, team: c.team ?? undefined }),
      ),
    );
    if (!result) return;
    await settle(d, client, body, result);
    if (result.kind === 'finished' && result.watch) {
      const c = result.confirmation;
      const cardTs = c.messageTs;
      // The card turns into the job's live card; its confirmed form (every parameter, who asked, who
      // confirmed) stays on record as the first reply in its thread.
      if (cardTs) await keepRecord(d, client, c, cardTs);
      try {
        d.onWatch?.({ ...result.watch, channel: c.channel, user: c.requestedBy, region: c.region, cardTs });
      } catch (err) {
        d.logger.error({ err, confirmation: c.id }, 'the write ran but its watch could not be stored');
        const follow = `/mms job ${result.watch.sourceName} ${result.watch.objectId}`;
        await tell(
          d,
          client,
          body,
          `:warning: The write ran, but the bot's database ${storageState(storageProblem(err))}, so it is not being watched: follow it with \`${follow}\`.`,
        );
      }
    }
  });

  on.action<Body>(ACTION_CANCEL, async ({ ack, body, action, client }) => {
    await ack();
    const id = ConfirmationId.safeParse(action.value);
    if (!id.success) return void (await tell(d, client, body, 'This cancel button is malformed.'));
    const result = await storageSafe(d, client, body, () =>
      d.flow.cancel(id.data, body.user.id, origin(body)),
    );
    if (result) await settle(d, client, body, result);
  });
}

/**
 * Runs a confirmation step; a database that cannot be written is told to the clicker in plain words
 * (nothing ran: the claim comes before the write) instead of escaping as a listener error.
 */
async function storageSafe(
  d: ActionDeps,
  client: WebClient,
  body: Body,
  step: () => Promise<ApproveResult>,
): Promise<ApproveResult | null> {
  try {
    return await step();
  } catch (err) {
    const problem = storageProblem(err);
    if (!problem) throw err;
    d.logger.error({ err, problem, user: body.user.id }, 'the database refused a confirmation step');
    await tell(d, client, body, `:x: ${storageMessage(problem)}`);
    return null;
  }
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
  if (r.kind === 'missing')
    return tell(d, client, body, 'This confirmation is no longer known; nothing ran.');
  if (r.kind === 'rejected') return tell(d, client, body, `:no_entry: ${r.reason}`);
  d.metrics.confirmations.inc({ state: r.confirmation.state });
  await updateCard(d, client, body, r.confirmation);
  if (r.kind === 'finished' && r.unrecorded) {
    const problem = storageProblem(r.unrecorded);
    d.logger.error(
      { err: r.unrecorded, confirmation: r.confirmation.id, state: r.confirmation.state },
      'a confirmation ended but its outcome could not be stored',
    );
    await tell(
      d,
      client,
      body,
      `:warning: This ${r.confirmation.operation} ended (${r.confirmation.state}), but the bot's database ${storageState(problem)}, so the outcome is not on record. The card cannot run it again.`,
    );
  }
  // The card now says what happened; a word to the clicker only when their click did nothing (a Cancel
  // that just cancelled is said once, on the card).
  const justCancelled = r.confirmation.state === 'cancelled' && r.confirmation.actedBy === body.user.id;
  if (r.kind === 'settled' && r.confirmation.state !== 'pending' && !justCancelled) {
    await tell(d, client, body, alreadySettled(r.confirmation));
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
  // Where the bot posted the card, from its own records (the click has been checked against them).
  const channel = c.channel;
  const ts = c.messageTs;
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

/** Where a click says it comes from: its channel, and the message holding the button. */
function origin(body: Body) {
  return { channel: body.channel?.id, messageTs: body.message?.ts ?? body.container?.message_ts };
}

/**
 * A message only the clicker sees: ephemeral in the click's channel, else through its response URL, else
 * nothing (logged). Never a DM: a payload without a channel does not get to pick where the bot writes.
 */
async function tell(d: ActionDeps, client: WebClient, body: Body, text: string): Promise<void> {
  const channel = body.channel?.id;
  try {
    if (channel) return void (await client.chat.postEphemeral({ channel, user: body.user.id, text }));
    if (body.response_url) {
      const res = await fetch(body.response_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        signal: AbortSignal.timeout(5000),
      });
      if (res.ok) return;
    }
    d.logger.warn({ user: body.user.id }, 'a click without a channel or response URL was not answered');
  } catch (err) {
    d.logger.warn({ err, user: body.user.id }, 'cannot answer the clicker');
  }
}
