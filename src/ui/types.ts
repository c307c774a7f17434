// Shared types of the pure renderers (data → Block Kit).
import type { KnownBlock } from '@slack/types';

/** A message ready for chat.postMessage / respond: `text` is the notification fallback (≤ 4000). */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface RenderCtx {
  /** Region id the data came from. */
  region: string;
  /** When `region !== defaultRegion`, generated commands append ` --region <id>`. */
  defaultRegion: string;
  now: Date;
}

/** `command` = the `/mms` text (without `/mms ` and without `--page`) that produced this page. */
export interface Pager {
  command: string;
  pageNum: number;
  pageSize: number;
  total: number;
  /** false when MMS sent no total: `total` is then a lower bound. */
  totalKnown?: boolean;
}

/** The data source a view belongs to; a full `DataSource` fits. */
export interface SourceRef {
  id: number;
  name: string;
}

/** The render context both front doors build: the region shown, the default one, and now. */
export function renderContext(region: string, defaultRegion: string, now: Date): RenderCtx {
  return { region, defaultRegion, now };
}
