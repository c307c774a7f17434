// Errors, ambiguous names and usage help.
import type { Button, KnownBlock } from '@slack/types';
import type { MmsErrorKind } from '../mms/errors.js';
import { redactText } from '../mms/redact.js';
import { consoleLinks } from '../mms/regions.js';
import { cmd, runButton, withRegion } from './actions.js';
import { codeBlock, esc, inlineCode, mdLink, truncate, truncateMrkdwn } from './escape.js';
import { exactCount } from './format.js';
import { actions, context, LIMITS, section } from './kit.js';
import { message } from './message.js';
import { grantStatements, SERVICE_LINKED_ROLE } from './setup.js';
import type { RenderCtx, SlackMessage } from './types.js';

/**
 * What kind of problem with a request the bot found itself: each has its own heading, so a person sees
 * at once whether to fix the command, ask someone, or wait.
 */
export type UsageKind =
  | 'unknown-command'
  | 'missing'
  | 'bad-argument'
  | 'not-allowed'
  | 'waiting'
  | 'wrong-state'
  | 'not-ready'
  | 'usage';

/** A next step offered as a button: a `/mms` text without `/mms `. */
export interface NextStep {
  text: string;
  command: string;
}

/** The MMS error classes, plus the bot's own: an ambiguous name, and each kind of problem with a request. */
export type ErrorKind = MmsErrorKind | 'ambiguous' | UsageKind;

/** Usage problems: the bot's own prose, shown as text (not as MMS's verbatim words in a code block). */
const OWN: ReadonlySet<ErrorKind> = new Set<UsageKind>([
  'unknown-command',
  'missing',
  'bad-argument',
  'not-allowed',
  'waiting',
  'wrong-state',
  'not-ready',
  'usage',
]);

export interface ErrorView {
  kind: ErrorKind;
  message: string;
  code?: string;
  requestId?: string;
  hint?: string;
  /** Trusted mrkdwn the bot built itself (a permalink, a mention), shown as is after the message. */
  mrkdwn?: string;
  /** Buttons for the likely next step. */
  next?: NextStep[];
}

const HEADLINE: Record<ErrorKind, string> = {
  permission: '🔒 Permission denied: MMS refused this for lack of a permission.',
  credentials: '🔑 MMS rejected the bot’s credentials.',
  'not-found': '🔍 Not found.',
  throttled: '⏳ MMS is throttling requests. Try again in a minute.',
  invalid: '⚠️ MMS rejected the request as invalid.',
  server: '💥 MMS had an internal error. Reads are retried; try again shortly.',
  network: '📡 Could not reach MMS (network or timeout).',
  ambiguous: '🤔 That name matches more than one thing.',
  'unknown-command': '❓ There is no such command.',
  missing: '✏️ The command is missing something.',
  'bad-argument': '✏️ Part of the command is not right.',
  'not-allowed': '🔒 You cannot do that here.',
  waiting: '⏳ That is already waiting for confirmation.',
  'wrong-state': '🚦 Not possible in its current state.',
  'not-ready': '⏳ Not ready for that yet.',
  usage: '✋ Cannot do that as asked.',
};

export type PermissionLayer = 'service-linked-role' | 'ram-policy' | 'project-grants' | 'unknown';

/** Which layer of MMS.md §6.6 a permission error points at. */
export function permissionLayer(code: string | undefined, text: string): PermissionLayer {
  const s = `${code ?? ''} ${text}`;
  if (/servicelinkedrole/i.test(s)) return 'service-linked-role';
  if (/forbidden\.ram|NoPermission|not authorized to operate/i.test(s)) return 'ram-policy';
  if (/access ?denied/i.test(s)) return 'project-grants';
  return 'unknown';
}

function permissionGuide(layer: PermissionLayer, region: string): string[] {
  const role =
    `*Service-linked role missing.* Create ${inlineCode(SERVICE_LINKED_ROLE)} once per account: MaxCompute console › ` +
    `Data Transmission › Migration Service › Data Sources (adding a data source creates it) — ` +
    `${mdLink(consoleLinks.dataSources(region), 'open')} — or in ${mdLink(consoleLinks.ramRoles(), 'RAM › Roles')}. ` +
    'Whoever creates it needs `AliyunRAMFullAccess`.';
  const ram =
    '*The bot’s RAM identity lacks MMS permissions* (`Forbidden.RAM`). Attach `AliyunMaxComputeFullAccess`, or a ' +
    `custom policy with the \`odps:*Mms*\` actions (${inlineCode('/mms setup')} lists them), in ` +
    `${mdLink(consoleLinks.ramPolicies(), 'RAM › Policies')}. The primary account needs nothing.`;
  const grants =
    '*The migration role lacks grants in the target project* (`Access Denied`). As the project owner run:\n' +
    codeBlock(grantStatements(), 900);
  switch (layer) {
    case 'service-linked-role':
      return [role];
    case 'ram-policy':
      return [ram];
    case 'project-grants':
      return [grants];
    default:
      return ['One of these layers is missing:', role, ram, grants];
  }
}

const GUIDE: Partial<Record<ErrorKind, string>> = {
  credentials:
    'Check the credentials the bot runs with (environment, profile file or RAM role): the AccessKey may be ' +
    'disabled or deleted, an STS token may have expired, or the clock may be off. Never paste keys into Slack.',
  'not-found': 'Check the name or id (names are matched as MMS matches them; ids are exact) and the region.',
  invalid: 'Check the parameters; nothing was changed.',
  network:
    'The bot could not connect. If this persists, check the endpoint (`MMS_ENDPOINT`) and the network.',
};

/** One clear headline per kind, the message, guidance, and the request id for support. */
export function errorMessage(err: ErrorView, ctx: RenderCtx): SlackMessage {
  const msg = redactText(err.message ?? '');
  const blocks: KnownBlock[] = [section(`*${HEADLINE[err.kind]}*`)];
  // The bot's own usage text is prose with `code` in it; what MMS said is shown verbatim in a code block.
  if (msg.trim() && OWN.has(err.kind)) blocks.push(section(esc(truncate(msg, 2500))));
  else if (msg.trim()) blocks.push(section(codeBlock(truncate(msg, 1500), 1600)));
  if (err.mrkdwn?.trim()) blocks.push(section(truncateMrkdwn(err.mrkdwn, 1500)));
  const buttons: Button[] = [];
  if (err.kind === 'permission') {
    const guide = permissionGuide(permissionLayer(err.code, msg), ctx.region);
    for (const g of guide) blocks.push(section(g));
    blocks.push(section('Fix that layer, then run the command again.'));
    buttons.push(runButton('Setup checklist', withRegion(cmd.setup(), ctx)));
  } else if (GUIDE[err.kind]) {
    blocks.push(section(GUIDE[err.kind]!));
    if (err.kind === 'credentials') buttons.push(runButton('Setup checklist', withRegion(cmd.setup(), ctx)));
  }
  if (err.hint) blocks.push(section(`💡 ${esc(truncate(err.hint, 1500))}`));
  const meta = [
    err.code ? `code ${inlineCode(truncate(redactText(err.code), 120))}` : '',
    err.requestId ? `request id ${inlineCode(truncate(err.requestId, 120))}` : '',
    `region ${inlineCode(ctx.region)}`,
  ].filter((m) => m !== '');
  blocks.push(context(meta));
  for (const n of err.next ?? []) buttons.push(runButton(n.text, withRegion(n.command, ctx)));
  if (buttons.length) blocks.push(actions(buttons));
  const text = `${HEADLINE[err.kind]}${msg.trim() ? ` ${esc(truncate(msg.replace(/\s+/g, ' '), 300))}` : ''}`;
  return message(text, blocks);
}

/** Several candidates for a name: up to 10 as run buttons, and how many more. */
export function ambiguousMessage(
  kind: string,
  input: string,
  candidates: Array<{ id: number; name: string; detail?: string }>,
  commandFor: (id: number) => string,
): SlackMessage {
  const shown = candidates.slice(0, 10);
  const more = candidates.length - shown.length;
  const lines = shown.map(
    (c) =>
      `• *${esc(c.name)}* ${inlineCode(`#${c.id}`)}` +
      (c.detail ? ` — ${esc(truncate(c.detail.replace(/\s+/g, ' '), 150))}` : ''),
  );
  const blocks: KnownBlock[] = [
    section(
      `🤔 ${exactCount(candidates.length)} ${esc(kind)}s match ${inlineCode(truncate(input, 100))}. Pick one:\n${lines.join('\n')}`,
    ),
  ];
  if (more > 0) {
    blocks.push(context([`…and ${exactCount(more)} more. Use the id, or a more exact name.`]));
  }
  // A button carries the whole command; one too long for a button value would be cut, and a cut command
  // is another command. Those candidates get no button: the user retypes with the name or id.
  const runnable = shown
    .map((c) => ({ c, command: commandFor(c.id) }))
    .filter((x) => x.command.length <= LIMITS.buttonValue);
  if (runnable.length < shown.length) {
    blocks.push(
      context(['The command is too long to rerun from a button: type it again with the name or id.']),
    );
  }
  if (runnable.length > 0) {
    blocks.push(
      actions(runnable.map(({ c, command }) => runButton(`${truncate(c.name, 40)} (#${c.id})`, command))),
    );
  }
  return message(`${exactCount(candidates.length)} ${esc(kind)}s match ${esc(truncate(input, 100))}`, blocks);
}

/**
 * Usage help. `text` is plain text that may use mrkdwn styling (`*bold*`, `` `code` ``, ``` fences) but no
 * links or mentions: it is escaped, so placeholders like `<source>` show as typed.
 */
export function usageMessage(text: string): SlackMessage {
  const escaped = esc(text);
  const blocks: KnownBlock[] = [];
  // Split on paragraphs so long help fits in sections of 3000.
  let current = '';
  for (const para of escaped.split(/\n{2,}/)) {
    const next = current ? `${current}\n\n${para}` : para;
    if (next.length > LIMITS.section - 100 && current) {
      blocks.push(section(current));
      current = para;
    } else {
      current = next;
    }
  }
  if (current) blocks.push(section(current));
  if (blocks.length === 0) blocks.push(section(HEADLINE.usage));
  const first = text.split('\n').find((l) => l.trim() !== '') ?? 'Usage';
  return message(esc(truncate(first, 300)), blocks, { narrow: esc('`help <command>`') });
}
