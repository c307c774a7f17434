// The setup checklist (MMS.md §6.6): service-linked role, caller RAM policy, target-project grants, quota,
// and whether credentials are configured. It never receives credential values, so it cannot print them.
import type { KnownBlock } from '@slack/types';
import { redactText } from '../mms/redact.js';
import { consoleLinks } from '../mms/regions.js';
import { cmd, runButton, withRegion } from './actions.js';
import { codeBlock, esc, inlineCode, mdLink, mentionChannel, truncate } from './escape.js';
import { exactCount } from './format.js';
import { actions, context, divider, header, section } from './kit.js';
import { message } from './message.js';
import type { RenderCtx, SlackMessage } from './types.js';

export interface SetupInfo {
  region: string;
  credentials: {
    configured: boolean;
    source?: string /* e.g. 'environment', 'profile', 'ECS RAM role', never a value */;
  };
  probe: { ok: true } | { ok: false; kind: string; code?: string; message: string } | null;
  operators: number;
  writeChannels: string[] | null;
  accountId?: string;
}

export const SERVICE_LINKED_ROLE = 'AliyunServiceRoleForMaxComputeMMS';

/**
 * The RAM actions the bot calls, and no others (MMS.md §6.6 item 2): what src/mms/client.ts calls from the
 * operations and the watcher. The bot never creates, edits or deletes data sources, databases or tables.
 */
export const RAM_READ_ACTIONS: readonly string[] = [
  'ListMmsDataSources',
  'GetMmsDataSource',
  'GetMmsFetchMetadataJob',
  'ListMmsDbs',
  'GetMmsDb',
  'ListMmsTables',
  'GetMmsTable',
  'ListMmsPartitions',
  'ListMmsJobs',
  'GetMmsJob',
  'ListMmsTasks',
  'GetMmsTask',
  'ListMmsTaskLogs',
  'GetMmsAsyncTask',
  'ListMmsTimers',
  'GetMmsTimer',
  'ListMmsTimerLogs',
];
/** What confirmed writes call: scans, jobs, task retries, timers. */
export const RAM_WRITE_ACTIONS: readonly string[] = [
  'CreateMmsFetchMetadataJob',
  'CreateMmsJob',
  'StartMmsJob',
  'StopMmsJob',
  'RetryMmsJob',
  'DeleteMmsJob',
  'RetryMmsTask',
  'CreateMmsTimer',
  'UpdateMmsTimer',
];
/** Called only by timer-run and timer-delete; their action names are unverified. */
export const RAM_ACTIONS_UNVERIFIED: readonly string[] = ['TriggerMmsTimer', 'DeleteMmsTimer'];

/** The caller policy: every action the bot calls, or (`readOnly`) only its reads: browsing and watching. */
export function ramPolicyJson(o: { readOnly?: boolean } = {}): string {
  const actions = o.readOnly
    ? RAM_READ_ACTIONS
    : [...RAM_READ_ACTIONS, ...RAM_WRITE_ACTIONS, ...RAM_ACTIONS_UNVERIFIED];
  const list = actions.map((a) => `odps:${a}`);
  return [
    '{',
    '  "Version": "1",',
    '  "Statement": [{',
    '    "Effect": "Allow",',
    '    "Action": [',
    ...list.map((a, i) => `      "${a}"${i < list.length - 1 ? ',' : ''}`),
    '    ],',
    '    "Resource": "*"',
    '  }]',
    '}',
  ].join('\n');
}

/** The SQL a project owner runs in each target project. */
export function grantStatements(accountId?: string): string {
  const account = accountId && /^\d+$/.test(accountId) ? accountId : '<accountId>';
  const principal = `RAM$${account}:role/${SERVICE_LINKED_ROLE}`;
  return [
    `ADD USER ${principal};`,
    `GRANT admin TO USER ${principal};`,
    '',
    '-- or, instead of admin, the fine-grained privileges:',
    '--   project:  Read, Write, List, CreateTable, CreateInstance, CreateFunction, CreateResource',
    '--   table:    Describe, Select, Alter, Update, Drop, ShowHistory',
    '--   instance: Read, Write',
  ].join('\n');
}

function probeText(probe: SetupInfo['probe']): string {
  if (probe === null) return '⚪ *MMS API*: not checked';
  if (probe.ok) return '✅ *MMS API*: reachable with the bot’s credentials (a read call succeeded)';
  const code = probe.code ? ` ${inlineCode(redactText(probe.code))}` : '';
  // Messages are redacted upstream; redacting again costs nothing and keeps AccessKey ids out for sure.
  return `❌ *MMS API*: ${esc(probe.kind)}${code}\n${codeBlock(truncate(redactText(probe.message), 600), 700)}`;
}

export function setupMessage(info: SetupInfo, ctx: RenderCtx): SlackMessage {
  const region = info.region;
  const blocks: KnownBlock[] = [header(`MMS setup checklist · ${region}`)];

  const cred = info.credentials.configured
    ? `✅ *Credentials*: configured${info.credentials.source ? ` (from ${esc(truncate(redactText(info.credentials.source), 60))})` : ''}`
    : '❌ *Credentials*: not configured. Give the bot a RAM identity through its environment ' +
      '(`ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET`), a profile file, or an ECS RAM role. ' +
      'Never paste keys into Slack.';
  blocks.push(section(`${cred}\n${probeText(info.probe)}`));

  blocks.push(divider());
  blocks.push(
    section(
      `*1. Service-linked role* ${inlineCode(SERVICE_LINKED_ROLE)} — once per account.\n` +
        `Create it in the console (MaxCompute › Data Transmission › Migration Service › Data Sources › add a data source: ` +
        `${mdLink(consoleLinks.dataSources(region), 'open')}) or in ${mdLink(consoleLinks.ramRoles(), 'RAM › Roles')}. ` +
        'Whoever creates it needs `AliyunRAMFullAccess`. Symptom when missing: `ServiceLinkedRole not found`.',
    ),
  );
  blocks.push(
    section(
      '*2. RAM policy of the bot’s identity* — symptom: `Forbidden.RAM`. The primary account needs nothing. ' +
        `Otherwise attach a custom policy in ${mdLink(consoleLinks.ramPolicies(), 'RAM › Policies')} with exactly the actions ` +
        'the bot calls (the last two serve `timer-run` and `timer-delete`; their names are unverified). ' +
        `${inlineCode('AliyunMaxComputeFullAccess')} works too, but grants far more than the bot uses.\n` +
        codeBlock(ramPolicyJson(), 2300),
    ),
  );
  blocks.push(
    section(
      '*Read-only variant* — a bot that only browses and watches (writes then fail with `Forbidden.RAM`):\n' +
        codeBlock(ramPolicyJson({ readOnly: true }), 1500),
    ),
  );
  blocks.push(
    section(
      '*3. Grants in each target project* — symptom: `Access Denied` while creating tables or writing data. ' +
        `Run as the project owner${info.accountId ? '' : ' (replace `&lt;accountId&gt;` with your account id)'}:\n` +
        codeBlock(grantStatements(info.accountId), 1200),
    ),
  );
  blocks.push(
    section(
      `*4. Quota* — the target project needs a bound compute quota: ${mdLink(consoleLinks.quotas(region), 'Quota management')} · ` +
        `${mdLink(consoleLinks.projects(region), 'Projects')}.\n` +
        `*5. Data sources and target mappings* live in the console: ${mdLink(consoleLinks.dataSources(region), 'MMS › Data sources')}.`,
    ),
  );

  blocks.push(divider());
  const operators =
    info.operators > 0
      ? `👥 ${exactCount(info.operators)} operator entr${info.operators === 1 ? 'y' : 'ies'} (users or groups) may confirm writes`
      : '⚠️ No operators: `MMS_OPERATORS` is empty, so nobody can confirm a write';
  const channels =
    info.writeChannels === null
      ? 'writes may be requested in any channel'
      : info.writeChannels.length === 0
        ? 'writes may be requested in no channel'
        : `writes may be requested in ${info.writeChannels.slice(0, 20).map(mentionChannel).join(', ')}` +
          (info.writeChannels.length > 20 ? ` and ${exactCount(info.writeChannels.length - 20)} more` : '');
  blocks.push(context([operators, channels, `region ${inlineCode(region)}`]));
  blocks.push(
    actions([
      runButton('Data sources', withRegion(cmd.sources(), ctx)),
      runButton('Regions', withRegion(cmd.regions(), ctx)),
    ]),
  );

  const text =
    `MMS setup for ${esc(region)}: credentials ${info.credentials.configured ? 'configured' : 'NOT configured'}` +
    (info.probe === null
      ? ''
      : info.probe.ok
        ? ', API reachable'
        : `, API check failed (${esc(info.probe.kind)})`);
  return message(text, blocks);
}
