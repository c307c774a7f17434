// The watcher: node-cron ticks poll what is watched and post what changed. (Being implemented.)
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { ConfirmFlow } from '../confirm/flow.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Services } from '../operations/services.js';
import type { RenderCtx } from '../slack/blocks/types.js';
import type { WatchTarget } from '../slack/dispatch.js';
import type { Db } from '../store/db.js';

export interface WatcherOptions {
  db: Db;
  services: Services;
  flow: ConfirmFlow;
  web: WebClient;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** Jobs and tasks (WATCH_INTERVAL_SECONDS). */
  intervalSeconds: number;
  /** Scans and async tasks. */
  fastIntervalSeconds?: number;
  notifyChannel?: string;
  render: (region: string) => RenderCtx;
  /** This process's name in the lease row. */
  holder?: string;
}

export class Watcher {
  constructor(private readonly o: WatcherOptions) {}
  start(): void {}
  async stop(): Promise<void> {}
  register(w: WatchTarget): void {
    this.o.services.watches.add({
      kind: w.kind,
      region: w.region,
      sourceId: w.sourceId,
      sourceName: w.sourceName,
      objectId: w.objectId,
      channel: w.channel,
      label: w.label,
      cardTs: w.cardTs,
      createdBy: w.user,
    });
  }
  async homeView(_user: string): Promise<View> {
    return { type: 'home', blocks: [] };
  }
}
