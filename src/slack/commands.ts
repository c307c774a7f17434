// The `/mms` grammar: text → operation + parameters, and help generated from the same specs.
// Flags are parsed by node's util.parseArgs; values by each operation's zod schema.
import { parseArgs } from 'node:util';
import type { KnownBlock } from '@slack/types';
import { REGION_IDS } from '../mms/regions.js';
import { nearNames } from '../mms/resolve.js';
import { type AnyOp, CATALOG, COMMAND_NAMES, findOp } from '../operations/catalog.js';
import { type CommandSpec, UsageError } from '../operations/types.js';
import { runButton } from '../ui/actions.js';
import { esc } from '../ui/escape.js';
import { actions, context, header, section } from '../ui/kit.js';
import { message } from '../ui/message.js';
import type { SlackMessage } from '../ui/types.js';

export type ParsedCommand =
  | { kind: 'help'; topic?: string }
  | { kind: 'op'; op: AnyOp; params: unknown; region: string; text: string };

/** Slack escapes `&`, `<` and `>` in command text; partition filters need them back (`ds >= '…'`). */
export function unescapeSlack(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** Splits like a shell: "double" and 'single' quotes (and Slack's smart quotes) group words. */
export function tokenize(text: string): string[] {
  const s = text.replace(/[“”]/g, '"').replace(/[‘’]/g, "'");
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === '\\' && s[i + 1] === quote) {
        cur += quote;
        i++;
      } else if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote)
    throw new UsageError(`Unclosed ${quote} quote in the command.`, 'Close the quote and run it again.', {
      kind: 'bad-argument',
    });
  if (has) out.push(cur);
  return out;
}

/** Flags every command takes besides its own. */
function flagsOf(spec: CommandSpec) {
  const options: Record<string, { type: 'string' | 'boolean' }> = { region: { type: 'string' } };
  if (spec.paged) options['page'] = { type: 'string' };
  for (const [name, f] of Object.entries(spec.flags)) options[name] = { type: f.type };
  return options;
}

/** The command word of a text as a metric label: a known command, `help`, or `unknown` (never user text). */
export function commandLabel(text: string): string {
  const word = unescapeSlack(text).trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (word === '' || word === 'help' || word === '--help' || word === '-h') return 'help';
  return findOp(word) ? word : 'unknown';
}

export function parseCommand(rawText: string, defaultRegion: string): ParsedCommand {
  const text = unescapeSlack(rawText).trim();
  const tokens = tokenize(text);
  const [name, ...rest] = tokens;
  if (!name || name === 'help' || name === '--help' || name === '-h') return { kind: 'help', topic: rest[0] };
  const op = findOp(name.toLowerCase());
  if (!op) {
    const near = nearNames(name.toLowerCase(), COMMAND_NAMES, 3);
    throw new UsageError(
      `Unknown command \`${name}\`.${near.length ? ` Did you mean ${near.map((n) => `\`${n}\``).join(' or ')}?` : ''}`,
      'Type `/mms help` for the list of commands.',
      {
        kind: 'unknown-command',
        next: [
          ...near.slice(0, 3).map((n) => ({ text: `Help: ${n}`, command: `help ${n}` })),
          { text: 'All commands', command: 'help' },
        ],
      },
    );
  }
  const spec = op.spec;
  const options = flagsOf(spec);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(argError(e, spec, Object.keys(options)), `Usage: \`${usage(spec)}\``, {
      kind: 'bad-argument',
      next: [helpStep(spec)],
    });
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (parsed.positionals.length > spec.positionals.length) {
    const extra = parsed.positionals.slice(spec.positionals.length);
    throw new UsageError(
      `Too many arguments for \`${spec.name}\`: ${extra.map((x) => `\`${x}\``).join(' ')}. Quote names that hold spaces.`,
      `Usage: \`${usage(spec)}\``,
      { kind: 'bad-argument', next: [helpStep(spec)] },
    );
  }
  const region = typeof values['region'] === 'string' ? values['region'] : defaultRegion;
  if (!REGION_IDS.includes(region)) {
    const near = nearNames(region, REGION_IDS, 2);
    throw new UsageError(
      `Unknown region \`${region}\`.${near.length ? ` Did you mean ${near.map((n) => `\`${n}\``).join(' or ')}?` : ''}`,
      'Type `/mms regions` for the regions MMS serves.',
      { kind: 'bad-argument', next: [{ text: 'Regions', command: 'regions' }] },
    );
  }
  const raw: Record<string, string | boolean | undefined> = {};
  spec.positionals.forEach((p, i) => {
    raw[p.name] = parsed.positionals[i];
  });
  for (const [k, v] of Object.entries(values)) if (k !== 'region') raw[k] = v;
  const result = op.params.safeParse(raw);
  if (!result.success) {
    const problems = [...new Set(result.error.issues.map((i) => i.message))];
    const missing = problems.every((m) => m.startsWith('missing <'));
    const next = [helpStep(spec)];
    if (problems.some((m) => m.startsWith('missing <source>')))
      next.unshift({ text: 'List sources', command: 'sources' });
    throw new UsageError(problems.join('\n'), `Usage: \`${usage(spec)}\``, {
      kind: missing ? 'missing' : 'bad-argument',
      next,
    });
  }
  return { kind: 'op', op, params: result.data, region, text };
}

const helpStep = (spec: CommandSpec) => ({ text: `Help: ${spec.name}`, command: `help ${spec.name}` });

function argError(e: unknown, spec: CommandSpec, known: string[]): string {
  const err = e as { code?: string; message?: string };
  const m = /'(-{1,2}[^']+)'/.exec(err.message ?? '');
  const flag = m?.[1] ?? '';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = nearNames(flag.replace(/^-+/, ''), known, 2);
    return `\`${spec.name}\` has no option \`${flag}\`.${near.length ? ` Did you mean ${near.map((n) => `\`--${n}\``).join(' or ')}?` : ''}`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = (/--([\w-]+)/.exec(err.message ?? '')?.[1] ?? flag).replace(/^-+/, '');
    return spec.flags[name]?.type === 'boolean' || name === ''
      ? `Option \`--${name}\` takes no value.`
      : `Option \`--${name}\` needs a value${spec.flags[name]?.hint ? ` (${spec.flags[name]!.hint})` : ''}.`;
  }
  return `Cannot read the arguments: ${err.message ?? String(e)}`;
}

export function usage(spec: CommandSpec): string {
  const pos = spec.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`));
  const flags = Object.entries(spec.flags).map(([n, f]) =>
    f.type === 'boolean' ? `[--${n}]` : `[--${n} ${f.hint ?? '<value>'}]`,
  );
  if (spec.paged) flags.push('[--page N]');
  flags.push('[--region <id>]');
  return ['/mms', spec.name, ...pos, ...flags].join(' ');
}

const GROUPS: CommandSpec['group'][] = [
  'Browse',
  'Scans',
  'Jobs',
  'Tasks',
  'Timers',
  'Notifications',
  'Admin',
];

/** Help is the same for everyone and never changes while the bot runs: drawn once per topic. */
const helpDrawn = new Map<string, SlackMessage>();

export function helpMessage(topic?: string): SlackMessage {
  const key = topic?.toLowerCase() ?? 'help';
  let m = helpDrawn.get(key);
  if (!m) {
    m = drawHelp(topic);
    helpDrawn.set(key, m);
  }
  return m;
}

function drawHelp(topic?: string): SlackMessage {
  if (topic && topic.toLowerCase() !== 'help') {
    const op = findOp(topic.toLowerCase());
    if (!op) {
      const near = nearNames(topic, COMMAND_NAMES, 3);
      throw new UsageError(
        `No command \`${topic}\`.${near.length ? ` Did you mean ${near.map((n) => `\`${n}\``).join(' or ')}?` : ''}`,
        'Type `/mms help` for the list.',
        { kind: 'unknown-command', next: [{ text: 'All commands', command: 'help' }] },
      );
    }
    return commandHelp(op);
  }
  const blocks: KnownBlock[] = [
    header('MMS from Slack'),
    section(
      '*Start here*\n' +
        '1. `/mms sources` — the data sources you can migrate from.\n' +
        '2. `/mms migrate` — a form: source, database, tables. It answers with a card an operator confirms.\n' +
        '3. The job’s card in the channel follows it to the end; failures come with their cause and a fix.\n' +
        '4. `/mms status` — what is being watched, and what failed lately.',
    ),
    actions([
      runButton('Sources', 'sources', 'primary'),
      runButton('Migrate…', 'migrate'),
      runButton('Status', 'status'),
      runButton('Setup checklist', 'setup'),
    ]),
  ];
  const groups = GROUPS.map((g) => {
    const ops = CATALOG.filter((op) => op.spec.group === g);
    const names = ops.map((op) => `\`${op.spec.name}\`${op.kind === 'write' ? ' ✎' : ''}`);
    return `*${g}* · ${GROUP_HELP[g]}\n${names.join(' · ')}`;
  });
  blocks.push(section(`*All commands*\n${groups.join('\n')}`));
  blocks.push(
    context([
      '✎ changes MMS: it answers with a confirmation card that an operator confirms.',
      '`/mms help <command>` shows its options and examples. Every command takes `--region <id>`.',
    ]),
  );
  return message('mms-chatops help: start with /mms sources, then /mms migrate', blocks);
}

const GROUP_HELP: Record<CommandSpec['group'], string> = {
  Browse: 'what there is to migrate',
  Scans: 'refresh a source’s metadata',
  Jobs: 'create and run migrations',
  Tasks: 'one table’s part of a job',
  Timers: 'migrations on a schedule',
  Notifications: 'what this channel follows',
  Admin: 'setup, regions, audit',
};

function commandHelp(op: AnyOp): SlackMessage {
  const spec = op.spec;
  const blocks: KnownBlock[] = [
    header(`/mms ${spec.name}`),
    section(`${esc(spec.summary)}\n\`${esc(usage(spec))}\``),
  ];
  const args = spec.positionals.map(
    (p) => `• \`<${p.name}>\`${p.required ? '' : ' (optional)'} — ${esc(p.help)}`,
  );
  const flags = Object.entries(spec.flags).map(
    ([n, f]) => `• \`--${n}${f.type === 'string' ? ` ${f.hint ?? '<value>'}` : ''}\` — ${esc(f.help)}`,
  );
  if (spec.paged) flags.push('• `--page N` — page of the list (20 per page)');
  flags.push('• `--region <id>` — region (default: the configured one)');
  if (args.length) blocks.push(section(`*Arguments*\n${args.join('\n')}`));
  blocks.push(section(`*Options*\n${flags.join('\n')}`));
  if (op.kind === 'write') {
    blocks.push(
      context(['✎ This changes MMS: you get a confirmation card first, and an operator must confirm it.']),
    );
  }
  blocks.push(section(`*Examples*\n${spec.examples.map((e) => `\`/mms ${esc(e)}\``).join('\n')}`));
  const runnable = spec.examples.filter((e) => op.kind === 'read' && !/\s/.test(e)).slice(0, 1);
  if (runnable.length) blocks.push(actions(runnable.map((e) => runButton(`Run /mms ${e}`, e))));
  return message(`/mms ${spec.name}: ${spec.summary}`, blocks);
}
