// Data sources: the list and one source in detail.
import type { KnownBlock } from '@slack/types';
import { redact } from '../mms/redact.js';
import { consoleLinks } from '../mms/regions.js';
import type { ConfigItem, DataSource, Scan } from '../mms/schemas.js';
import { cmd, runButton, withRegion } from './actions.js';
import { label, listMessage, sourceLabel } from './common.js';
import { codeBlock, esc, inlineCode, mdLink, truncate } from './escape.js';
import { exactCount, percent, progressBar, statusEmoji, statusText, timeText, valueText } from './format.js';
import { actions, context, fields, header, section } from './kit.js';
import { message } from './message.js';
import type { Pager, RenderCtx, SlackMessage } from './types.js';

function agentText(online: boolean | null | undefined): string {
  if (online === true) return '🟢 agent online';
  if (online === false) return '🔴 agent offline';
  return 'agent —';
}

function sourceLine(s: DataSource): string {
  const parts = [
    `${statusEmoji(s.status)} ${sourceLabel(s)}`,
    s.type ? esc(s.type) : null,
    s.status ? esc(s.status) : null,
    s.agentIsOnline === false ? '🔴 agent offline' : null,
    s.dstProject ? `→ ${inlineCode(s.dstProject)}` : null,
    typeof s.tableNum === 'number'
      ? `${exactCount(s.tableNum)} tables` +
        (typeof s.tablesDoneNum === 'number' || typeof s.tablesFailedNum === 'number'
          ? ` (${exactCount(s.tablesDoneNum ?? 0)} done, ${exactCount(s.tablesFailedNum ?? 0)} failed)`
          : '')
      : null,
  ];
  // ListMmsDataSources carries the last scan's state (GetMmsDataSource does not).
  const scan = s.scanStatus ?? '';
  if (/DOING/.test(scan)) parts.push('🔄 scanning');
  else if (/FAIL/.test(scan)) parts.push('❌ last scan failed');
  let line = parts.filter(Boolean).join(' · ');
  if (s.errMsg) line += `\n      ⚠️ ${esc(truncate(s.errMsg.replace(/\s+/g, ' '), 160))}`;
  else if (/FAIL/.test(scan) && s.scanErrMsg)
    line += `\n      ⚠️ scan: ${esc(truncate(s.scanErrMsg.replace(/\s+/g, ' '), 160))}`;
  return line;
}

export function sourcesMessage(sources: DataSource[], pager: Pager, ctx: RenderCtx): SlackMessage {
  return listMessage({
    text: `MMS data sources in ${ctx.region}: ${sources.length} shown of ${pager.total}`,
    title: `Data sources · ${ctx.region}`,
    items: sources.map((s) => ({
      line: sourceLine(s),
      drill: runButton(label(s.name), withRegion(cmd.source(s.id), ctx)),
    })),
    empty: 'No data sources in this region. Data sources are added in the MMS console.',
    pager,
    ctx,
    narrow: `a name: ${inlineCode('sources <name>')}`,
    notes: [
      `Data sources and target mappings are managed in the ${mdLink(consoleLinks.dataSources(ctx.region), 'MMS console')}`,
    ],
  });
}

/**
 * Config items as `key = value` lines; sub-items (a map of key → value in MMS, older servers sent a
 * list of items) indented below their item. Values are already redacted upstream.
 */
function configLines(items: unknown, depth = 0, out: string[] = []): string[] {
  const line = (key: string, value: unknown) =>
    out.push(`${'  '.repeat(depth)}${key} = ${truncate(valueText(value).replace(/\s+/g, ' '), 200)}`);
  if (Array.isArray(items)) {
    for (const raw of items as unknown[]) {
      if (out.length >= 60) break;
      if (!raw || typeof raw !== 'object') continue;
      const item = raw as Pick<ConfigItem, 'key' | 'name' | 'value'> & { subItems?: unknown };
      line(item.key ?? item.name ?? '?', item.value);
      if (depth < 3) configLines(item.subItems, depth + 1, out);
    }
  } else if (items && typeof items === 'object') {
    for (const [key, value] of Object.entries(items as Record<string, unknown>)) {
      if (out.length >= 60) break;
      const nested = value !== null && typeof value === 'object' && !Array.isArray(value);
      const item = value as { key?: unknown; value?: unknown; subItems?: unknown } | null;
      if (nested && typeof item?.key === 'string' && 'value' in item) {
        line(item.key, item.value);
        if (depth < 3) configLines(item.subItems, depth + 1, out);
      } else if (nested && depth < 3) {
        out.push(`${'  '.repeat(depth)}${key}:`);
        configLines(value, depth + 1, out);
      } else line(key, value);
    }
  }
  return out;
}

/** `scan`: the source's last scan (GetMmsFetchMetadataJob of its `scanId`); GetMmsDataSource has no scan state. */
export function sourceMessage(source: DataSource, ctx: RenderCtx, scan: Scan | null = null): SlackMessage {
  const sid = source.id;
  const run = (text: string, command: string, style?: 'primary' | 'danger') =>
    runButton(text, withRegion(command, ctx), style);
  const blocks: KnownBlock[] = [header(`Data source ${source.name}`)];
  blocks.push(
    ...fields([
      ['Id', inlineCode(sid)],
      ['Type', esc(source.type ?? '—')],
      ['Status', statusText(source.status)],
      ['Agent', agentText(source.agentIsOnline)],
      ['Target project', source.dstProject ? inlineCode(source.dstProject) : '—'],
      ['Region', esc(source.region ?? ctx.region)],
      ['Network link', source.networklink ? inlineCode(source.networklink) : '—'],
      ['Last update', timeText(source.lastUpdateTime)],
    ]),
  );
  if (source.errMsg) blocks.push(section(`⚠️ *Source error*\n${codeBlock(source.errMsg, 1500)}`));

  const scanLine = [
    `*Last scan*: ${source.scanId !== null && source.scanId !== undefined ? inlineCode(`#${source.scanId}`) : 'none yet'}`,
    scan?.status ? statusText(scan.status) : null,
    scan?.endTime
      ? `ended ${timeText(scan.endTime)}`
      : scan?.startTime
        ? `started ${timeText(scan.startTime)}`
        : null,
  ]
    .filter(Boolean)
    .join(' · ');
  blocks.push(section(scanLine + (scan?.errorMsg ? `\n${codeBlock(scan.errorMsg, 1500)}` : '')));

  const counts = [
    `*Inventory*: ${exactCount(source.dbNum)} dbs · ${exactCount(source.tableNum)} tables · ${exactCount(source.partitionNum)} partitions`,
  ];
  if (typeof source.tableNum === 'number' && source.tableNum > 0) {
    const done = source.tablesDoneNum ?? 0;
    counts.push(
      `\`${progressBar(done, source.tableNum, 20)}\` ${percent(done, source.tableNum)} · ` +
        `${exactCount(done)} tables done · ${exactCount(source.tablesFailedNum ?? 0)} failed`,
    );
  }
  blocks.push(section(counts.join('\n')));

  const config = source.config ? configLines(redact(source.config)) : [];
  if (config.length > 0)
    blocks.push(section(`*Configuration* (secrets masked)\n${codeBlock(config.join('\n'), 2800)}`));

  blocks.push(
    context([
      `Data sources and target mappings are managed in the console: ${mdLink(consoleLinks.dataSources(ctx.region), 'MMS › Data sources')}`,
    ]),
  );
  blocks.push(
    actions([
      run('Databases', cmd.dbs(sid)),
      run('Jobs', cmd.jobs(sid)),
      run('Timers', cmd.timers(sid)),
      run('Scan metadata', cmd.scan(sid)),
      run('Migrate…', cmd.migrate(sid), 'primary'),
    ]),
  );
  const text =
    `Data source ${source.name} (#${sid}): ${source.status ?? 'unknown'}` +
    (source.agentIsOnline === false ? ', agent offline' : '') +
    (source.errMsg ? `, error: ${truncate(source.errMsg, 200)}` : '');
  return message(esc(text), blocks);
}
