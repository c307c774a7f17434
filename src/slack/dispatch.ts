// One path from a `/mms` text (typed, or carried by a button) to its answer: parse, then run a read
// or turn a write into a confirmation card. Slash commands and run buttons both come through here.
import type { WebClient } from '@slack/web-api';
import type { WriteOperation } from '../config.js';
import type { ConfirmFlow } from '../confirm/flow.js';
import type { Logger } from '../log.js';
import { MmsError } from '../mms/errors.js';
import { ResolveError, type ResolveKind } from '../mms/resolve.js';
import type { AnyWrite } from '../operations/catalog.js';
import { type OpContext, UsageError } from '../operations/types.js';
import type { Services } from '../services.js';
import { storageMessage, storageProblem } from '../store/errors.js';
import { arg, withRegion } from '../ui/actions.js';
import { ambiguousMessage, errorMessage } from '../ui/errors.js';
import { mdLink, mentionUser } from '../ui/escape.js';
import { context } from '../ui/kit.js';
import { type RenderCtx, renderContext, type SlackMessage } from '../ui/types.js';
import { helpMessage, type ParsedCommand, parseCommand, tokenize, unescapeSlack } from './commands.js';

export interface Requester {
  user: string;
  channel: string;
  team?: string;
  responseUrl?: string;
  triggerId?: string;
}

/** What a dispatch produced: a message for the requester alone, or nothing (it posted on its own). */
export type Answer = { kind: 'reply'; message: SlackMessage } | { kind: 'posted' } | { kind: 'modal' };

/** A parsed command, ready to run. */
export interface Prepared {
  local: boolean;
  run: () => Promise<Answer>;
}

export interface DispatchDeps {
  services: Services;
  flow: ConfirmFlow;
  logger: Logger;
  now: () => Date;
  /** Forms by operation name, for writes whose parameters say to open one (`opensForm`). */
  forms?: Partial<Record<string, FormOpener>>;
}

/** Opens an operation's form (a modal) from a trigger; throws a UsageError when Slack would not. */
export type FormOpener = (
  client: WebClient,
  ctx: OpContext,
  params: unknown,
  triggerId: string,
) => Promise<void>;

export class Dispatcher {
  constructor(private readonly d: DispatchDeps) {}

  get defaultRegion(): string {
    return this.d.services.config.mms.region;
  }

  render(region: string): RenderCtx {
    return renderContext(region, this.defaultRegion, this.d.now());
  }

  context(region: string, who: Pick<Requester, 'user' | 'channel' | 'team'>): OpContext {
    return {
      mms: this.d.services.clients(region),
      region,
      defaultRegion: this.defaultRegion,
      user: who.user,
      channel: who.channel,
      team: who.team,
      now: this.d.now(),
      render: this.render(region),
      services: this.d.services,
    };
  }

  async handle(text: string, who: Requester, client: WebClient): Promise<Answer> {
    return this.prepare(text, who, client).run();
  }

  /**
   * Parses `text` at once and says whether its answer needs the network: help, a usage error and what the
   * bot's own database holds are `local` (ready for the ack); everything else waits on MMS or Slack.
   */
  prepare(text: string, who: Requester, client: WebClient): Prepared {
    let parsed: ParsedCommand;
    try {
      parsed = parseCommand(text, this.defaultRegion);
      if (parsed.kind === 'help') {
        const answer = reply(helpMessage(parsed.topic));
        return { local: true, run: async () => answer };
      }
    } catch (e) {
      const answer = reply(this.failure(e, this.defaultRegion, text));
      return { local: true, run: async () => answer };
    }
    const { op, params, region } = parsed;
    return {
      local: op.kind === 'read' && op.local === true,
      run: async () => {
        try {
          const ctx = this.context(region, who);
          if (op.kind === 'read') return reply(await op.run(ctx, params));
          const form = this.d.forms?.[op.name];
          if (form && who.triggerId && op.opensForm?.(params)) {
            await form(client, ctx, params, who.triggerId);
            return { kind: 'modal' };
          }
          return await this.requestWrite(ctx, op, params, who, client);
        } catch (e) {
          return reply(this.failure(e, region, text));
        }
      },
    };
  }

  /** Validates where the write was asked, stores the plan, and posts the card in the channel. */
  async requestWrite(
    ctx: OpContext,
    op: AnyWrite,
    params: unknown,
    who: Requester,
    client: WebClient,
  ): Promise<Answer> {
    const allowed = ctx.services.authz.canRequest(op.name as WriteOperation, ctx.channel);
    if (!allowed.ok) throw new UsageError(allowed.reason, undefined, { kind: 'not-allowed' });
    const { confirmation, created } = await this.d.flow.request(ctx, op, params, who.responseUrl);
    if (!created) {
      const where = confirmation.messageTs
        ? await permalink(client, confirmation.channel, confirmation.messageTs)
        : null;
      // The link and the mention are mrkdwn: they go beside the (escaped, code-block) message, not in it.
      return reply(
        errorMessage(
          {
            kind: 'waiting',
            message: `A ${confirmation.operation} request for the same target is already waiting for confirmation.`,
            hint: 'Confirm or cancel that card first.',
            mrkdwn: `${where ? `See ${where}, r` : 'R'}equested by ${mentionUser(confirmation.requestedBy)}.`,
          },
          ctx.render,
        ),
      );
    }
    const card = this.d.flow.card(confirmation, ctx.render);
    try {
      const res = await client.chat.postMessage({
        channel: ctx.channel,
        text: card.text,
        blocks: card.blocks,
      });
      if (res.ts) this.d.services.confirmations.setMessage(confirmation.id, res.ts);
      return { kind: 'posted' };
    } catch (e) {
      // Not in the channel (no chat:write.public, or a private channel): show the card through the
      // response URL instead; clicks still carry the message to update.
      this.d.logger.warn(
        { err: e, channel: ctx.channel },
        'cannot post the confirmation card; replying instead',
      );
      const note = context([
        ':warning: I cannot post in this channel, so only you see this card. Invite me (`/invite @mms`) so other operators can confirm, and the job card can be posted here.',
      ]);
      return reply({ text: card.text, blocks: [note, ...card.blocks] });
    }
  }

  /** A user-facing message for anything a dispatch threw. */
  failure(e: unknown, region: string, text: string): SlackMessage {
    const render = this.render(region);
    if (e instanceof UsageError)
      return errorMessage(
        { kind: e.kind, message: e.message, hint: e.hint, next: e.next, mrkdwn: e.mrkdwn },
        render,
      );
    if (e instanceof ResolveError) {
      const r = e.resolution;
      if (r.kind === 'ambiguous') {
        const byId = new Map(r.candidates.map((c) => [c.id, c]));
        return ambiguousMessage(e.what, r.input, r.candidates, (id) =>
          withRegion(replaceArg(text, e.what, r.input, byId.get(id)?.token ?? String(id)), render),
        );
      }
      return errorMessage(
        {
          kind: 'not-found',
          message: `No ${e.what} matches "${r.input}".`,
          hint: r.near.length ? `Did you mean ${r.near.join(', ')}?` : undefined,
        },
        render,
      );
    }
    if (e instanceof MmsError) {
      return errorMessage({ kind: e.kind, message: e.message, code: e.code, requestId: e.requestId }, render);
    }
    const storage = storageProblem(e);
    if (storage) {
      this.d.logger.error({ err: e, problem: storage }, 'the database refused a write');
      return errorMessage({ kind: 'server', message: storageMessage(storage) }, render);
    }
    this.d.logger.error({ err: e, text }, 'command failed');
    return errorMessage(
      { kind: 'server', message: 'Something went wrong inside mms-chatops; it has been logged.' },
      render,
    );
  }
}

const reply = (message: SlackMessage): Answer => ({ kind: 'reply', message });

/**
 * The command text with one argument replaced (an ambiguous name by the chosen id). Whole arguments only:
 * the name may also occur inside the command word or another argument (`source e`, `job hive-prod i`).
 * The source is the first argument after the command; any other name comes after the source.
 */
function replaceArg(text: string, what: ResolveKind, input: string, replacement: string): string {
  let tokens: string[];
  try {
    tokens = tokenize(unescapeSlack(text).trim());
  } catch {
    return text;
  }
  const sourceAt = tokens.findIndex((t, i) => i > 0 && !t.startsWith('-'));
  const from = what === 'source' || sourceAt < 0 ? 1 : sourceAt + 1;
  // Flags may come first (`tasks --job x <source>`): if nothing matches after the source, look anywhere.
  for (const start of [from, 1]) {
    for (let i = start; i < tokens.length; i++) {
      const t = tokens[i]!;
      const flag = /^(--[\w-]+=)(.*)$/s.exec(t);
      if (t.trim() === input) tokens[i] = replacement;
      else if (flag && flag[2]!.trim() === input) tokens[i] = `${flag[1]}${replacement}`;
      else continue;
      return tokens.map(arg).join(' ');
    }
  }
  return text;
}

async function permalink(client: WebClient, channel: string, ts: string): Promise<string | null> {
  try {
    const r = await client.chat.getPermalink({ channel, message_ts: ts });
    return r.permalink ? mdLink(r.permalink, 'the card') : null;
  } catch {
    return null;
  }
}
