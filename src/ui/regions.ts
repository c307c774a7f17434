// The regions MMS serves, with console links.
import type { KnownBlock } from '@slack/types';
import { consoleLinks, REGIONS } from '../mms/regions.js';
import { esc, inlineCode, mdLink } from './escape.js';
import { context, header, section } from './kit.js';
import { message } from './message.js';
import type { SlackMessage } from './types.js';

export function regionsMessage(defaultRegion: string): SlackMessage {
  const lines = REGIONS.map(
    (r) =>
      `${r.id === defaultRegion ? '⭐' : '•'} ${inlineCode(r.id)} ${esc(r.name)} · ${mdLink(consoleLinks.migration(r.id), 'console')}` +
      (r.id === defaultRegion ? ' · *default*' : '') +
      (r.hostsVerified ? '' : ' · _endpoint host unverified_'),
  );
  const blocks: KnownBlock[] = [header('Regions MMS serves'), section(lines.join('\n'))];
  const notes = [esc('Add `--region <id>` to any command to use another region.')];
  if (!REGIONS.some((r) => r.id === defaultRegion)) {
    notes.push(`⚠️ The default region ${inlineCode(defaultRegion)} is not one MMS is known to serve.`);
  }
  notes.push(
    esc(
      'Endpoints: `maxcompute.<region>.aliyuncs.com` (public), `maxcompute-vpc.<region>.aliyuncs.com` (VPC).',
    ),
  );
  blocks.push(context(notes));
  return message(`MMS serves ${REGIONS.length} regions; the default is ${esc(defaultRegion)}`, blocks);
}
