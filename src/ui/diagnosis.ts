// Diagnosis of failed tasks: causes, fixes, commands, evidence, and verification counts.
import type { Button, KnownBlock } from '@slack/types';
import type { Diagnosis, DiagnosisCategory, DiagnosisSummary } from '../diagnosis/diagnose.js';
import { bareCommand, runButton, withRegion } from './actions.js';
import { codeBlock, esc, inlineCode, mdLink, truncate } from './escape.js';
import { exactCount } from './format.js';
import { actions, context, divider, header, section } from './kit.js';
import { blockTextLength, message } from './message.js';
import type { RenderCtx, SlackMessage, SourceRef } from './types.js';

export interface VerificationRow {
  table: string;
  source: number;
  destination: number;
  ok: boolean;
}

const CATEGORY_LABEL: Record<DiagnosisCategory, string> = {
  'permission-target': '🔒 Missing grants in the target project',
  'permission-ram': '🔒 Missing RAM permission',
  'service-linked-role': '🔒 Service-linked role missing',
  'permission-source': '🔒 No read access at the source',
  credentials: '🔑 Credentials rejected',
  'clock-skew': '🕰️ Clocks out of sync',
  'source-connectivity': '📡 Source unreachable',
  'target-connectivity': '📡 MaxCompute endpoint unreachable',
  'schema-mismatch': '🧩 Schema mismatch',
  'type-conversion': '🧩 Column type does not convert',
  'table-missing': '🕳️ Table or partition gone at the source',
  'partition-filter-empty': '🔎 Partition filter matched nothing',
  'invalid-partition': '🧱 Partition value not allowed in MaxCompute',
  limit: '🧱 MaxCompute hard limit reached',
  conflict: '🔀 Concurrent write or expired session',
  quota: '📦 Quota exhausted or not bound',
  'rate-limit': '🚦 Throttled (rate limit)',
  memory: '💥 Out of memory',
  timeout: '⏱️ Query timed out',
  'corrupt-source': '🧨 Corrupt files at the source',
  'tooling-missing': '🧰 Migration UDTF or function missing at the source',
  'verification-mismatch': '🧮 Row counts differ after migration',
  'verification-error': '🧮 Verification could not count rows',
  'schema-layer': '🗂️ Target schema layer missing or mapping wrong',
  unknown: '❔ Unrecognised failure',
};

/** Above this many diagnoses they are grouped by category. */
const GROUP_ABOVE = 3;
/** Text for the causes, leaving room for header, verification, notes and buttons. */
const DIAGNOSIS_BUDGET = 9000;
/** Commands that may become buttons: retries (which ask for confirmation anyway). */
const RUNNABLE = /^(retry-task|retry)\s/;

/** The command as shown names the source; its button carries the source's id, which cannot be renamed. */
function byId(command: string, source: SourceRef): string {
  const m = /^(retry-task|retry)\s+(?:"((?:[^"\\]|\\.)*)"|(\S+))(\s.*)?$/.exec(command);
  if (!m) return command;
  const name = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  return name === source.name ? `${m[1]} ${source.id}${m[4] ?? ''}` : command;
}

function commandParts(
  d: Diagnosis,
  source: SourceRef,
  ctx: RenderCtx,
): { text: string; button: Button | null } | null {
  if (!d.command) return null;
  const bare = bareCommand(d.command);
  const command = withRegion(bare, ctx);
  return {
    text: inlineCode(`/mms ${truncate(command, 300)}`),
    button: RUNNABLE.test(bare)
      ? runButton(
          bare.startsWith('retry-task') ? `Retry task ${d.taskId}` : 'Retry job',
          withRegion(byId(bare, source), ctx),
          'primary',
        )
      : null,
  };
}

function link(d: Diagnosis): string {
  return d.link ? ` · ${mdLink(d.link, 'open')}` : '';
}

function where(d: Diagnosis): string {
  const system = d.summary ? ` · ${esc(d.summary.split(' · ').slice(1).join(' · '))}` : '';
  return (
    `*${esc(d.table)}* ${inlineCode(`task #${d.taskId}`)}` +
    (system || (d.phase ? ` · ${esc(d.phase)} phase` : ''))
  );
}

function evidenceBlock(evidence: string[], max = 900): string {
  const lines = evidence.slice(-8).map((l) => truncate(l.replace(/\s+/g, ' '), 300));
  return codeBlock(lines.join('\n'), max, 'tail');
}

/** Verification as a monospaced table: table, source, destination, difference. */
export function verificationTable(rows: VerificationRow[], maxRows = 30): string {
  const shown = rows.slice(0, maxRows);
  const name = (r: VerificationRow) => truncate(r.table, 40);
  const w0 = Math.max(5, ...shown.map((r) => name(r).length));
  const num = (n: number) => exactCount(n);
  const w1 = Math.max(6, ...shown.map((r) => num(r.source).length));
  const w2 = Math.max(11, ...shown.map((r) => num(r.destination).length));
  const diff = (r: VerificationRow) => {
    const d = r.destination - r.source;
    return d === 0 ? '0' : `${d > 0 ? '+' : ''}${exactCount(d)}`;
  };
  const lines = [
    `${'table'.padEnd(w0)}  ${'source'.padStart(w1)}  ${'destination'.padStart(w2)}  difference`,
    ...shown.map(
      (r) =>
        `${name(r).padEnd(w0)}  ${num(r.source).padStart(w1)}  ${num(r.destination).padStart(w2)}  ${diff(r)} ${r.ok ? '✓' : '✗'}`,
    ),
  ];
  if (rows.length > shown.length) lines.push(`… ${exactCount(rows.length - shown.length)} more tables`);
  return codeBlock(lines.join('\n'), 2900);
}

function single(d: Diagnosis, source: SourceRef, ctx: RenderCtx): Unit {
  const c = commandParts(d, source, ctx);
  const text =
    `${CATEGORY_LABEL[d.category] ?? esc(d.category)} — ${where(d)}\n` +
    `*Cause:* ${esc(truncate(d.cause, 600))}\n*Fix:* ${esc(truncate(d.fix, 800))}${link(d)}` +
    (c ? `\n*Command:* ${c.text}` : '') +
    (d.verification
      ? `\n*Counts:* source ${exactCount(d.verification.source)} · destination ${exactCount(d.verification.destination)}`
      : '');
  const blocks: KnownBlock[] = [divider(), section(text)];
  if (d.evidence.length) blocks.push(section(evidenceBlock(d.evidence)));
  return { blocks, buttons: c?.button ? [c.button] : [], tasks: 1 };
}

interface Unit {
  blocks: KnownBlock[];
  buttons: Button[];
  tasks: number;
}

function grouped(summary: DiagnosisSummary, source: SourceRef, ctx: RenderCtx): Unit[] {
  const out: Unit[] = [];
  for (const { category, diagnoses: list } of summary.groups) {
    const first = list[0]!;
    const tasks = list.slice(0, 10).map((d) => `${esc(truncate(d.table, 40))} ${inlineCode(`#${d.taskId}`)}`);
    const c = commandParts(first, source, ctx);
    const buttons: Button[] = [];
    for (const d of list) {
      const p = commandParts(d, source, ctx);
      if (p?.button && buttons.length < 5) buttons.push(p.button);
    }
    const blocks: KnownBlock[] = [divider()];
    blocks.push(
      section(
        `${CATEGORY_LABEL[category] ?? esc(category)} — *${exactCount(list.length)} task${list.length === 1 ? '' : 's'}*: ` +
          tasks.join(', ') +
          (list.length > tasks.length ? `, … and ${exactCount(list.length - tasks.length)} more` : '') +
          `\n*Cause:* ${esc(truncate(first.cause, 500))}\n*Fix:* ${esc(truncate(first.fix, 600))}${link(first)}` +
          (c ? `\n*Command* (first task): ${c.text}` : ''),
      ),
    );
    if (first.evidence.length) {
      blocks.push(
        context([`Evidence from task #${first.taskId}:`]),
        section(evidenceBlock(first.evidence, 600)),
      );
    }
    out.push({ blocks, buttons, tasks: list.length });
  }
  return out;
}

/** Diagnoses of a job or a task, drawn from the diagnosis module's summary (grouped and counted there). */
export function diagnosisMessage(
  source: SourceRef,
  subject: string,
  report: DiagnosisSummary,
  verification: VerificationRow[],
  ctx: RenderCtx,
): SlackMessage {
  const diagnoses = report.diagnoses;
  const blocks: KnownBlock[] = [header(`Diagnosis · ${subject}`)];
  const summary =
    diagnoses.length === 0
      ? '✅ No failed tasks found.'
      : `❌ ${exactCount(diagnoses.length)} failed task${diagnoses.length === 1 ? '' : 's'}: ` +
        report.groups
          .map((g) => `${exactCount(g.count)} × ${CATEGORY_LABEL[g.category] ?? esc(g.label)}`)
          .join(' · ');
  blocks.push(
    section(
      `${summary}\nSource *${esc(source.name)}* ${inlineCode(`#${source.id}`)} · ${inlineCode(ctx.region)}`,
    ),
  );

  const tail: KnownBlock[] = [];
  if (verification.length > 0) {
    const bad = verification.filter((v) => !v.ok).length;
    tail.push(divider());
    tail.push(
      section(
        `*Verification* (${bad === 0 ? '✅ all counts match' : `❌ ${exactCount(bad)} of ${exactCount(verification.length)} differ`})\n` +
          verificationTable([...verification].sort((a, b) => Number(a.ok) - Number(b.ok))),
      ),
    );
  }

  // Causes first, as many as fit beside the verification table; the rest are counted.
  const units =
    diagnoses.length > GROUP_ABOVE
      ? grouped(report, source, ctx)
      : diagnoses.map((d) => single(d, source, ctx));
  let budget = DIAGNOSIS_BUDGET - blockTextLength(tail);
  const buttons: Button[] = [];
  let left = 0;
  let leftUnits = 0;
  for (const u of units) {
    const len = blockTextLength(u.blocks) + 200;
    if (len > budget || blocks.length + u.blocks.length + tail.length > 44) {
      left += u.tasks;
      leftUnits += 1;
      continue;
    }
    budget -= len;
    blocks.push(...u.blocks);
    buttons.push(...u.buttons);
  }
  if (leftUnits > 0) {
    blocks.push(
      context([
        `…${exactCount(left)} more failed task${left === 1 ? '' : 's'} in ${exactCount(leftUnits)} more ${diagnoses.length > GROUP_ABOVE ? 'categor' + (leftUnits === 1 ? 'y' : 'ies') : 'diagnos' + (leftUnits === 1 ? 'is' : 'es')} not shown — diagnose one task at a time for detail`,
      ]),
    );
  }
  blocks.push(...tail);
  blocks.push(
    context(['Retries ask for confirmation first. Causes are read from task logs; they are a best guess.']),
  );
  if (buttons.length) blocks.push(actions(dedupe(buttons).slice(0, 10)));

  const text = `Diagnosis of ${esc(subject)}: ${diagnoses.length === 0 ? 'no failed tasks' : `${diagnoses.length} failed task(s)`}`;
  return message(text, blocks, { narrow: 'one task: `diagnose` with a task id' });
}

function dedupe(buttons: Button[]): Button[] {
  const seen = new Set<string>();
  return buttons.filter((b) => {
    const v = b.value ?? '';
    if (seen.has(v)) return false;
    seen.add(v);
    return true;
  });
}
