// The watcher: node-cron ticks poll what is watched and post what changed. One tick: take the lease, expire
// confirmations, poll scans and job creations (fast cycle) and jobs (job cycle) when due, send the outbox,
// refresh App Home. Ticks never overlap (a tick that finds one running is skipped), and only the process
// holding the lease ticks, so two bots on one database never both send.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import cron, { type ScheduledTask } from 'node-cron';
import type { ConfirmFlow } from '../confirm/flow.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { WatchTarget } from '../operations/types.js';
import type { Services } from '../services.js';
import type { Db } from '../store/db.js';
import { KnownJobStore } from '../store/known-jobs.js';
import { LeaseStore } from '../store/leases.js';
import { Outbox } from '../store/outbox.js';
import { confirmationDone, messageLink } from '../ui/events.js';
import type { RenderCtx } from '../ui/types.js';
import { SourceBackoff } from './backoff.js';
import { jobCardFor, jobGlance } from './cards.js';
import { cronEvery } from './cron.js';
import { commit, emptyReport, eventKey, safePayload, type TickReport, type WatchDeps } from './deps.js';
import { Gate } from './gate.js';
import { HomeBuilder, HomeVisitors } from './home.js';
import { jobDeletedStep } from './job-events.js';
import { Notifier, type SendHooks } from './notify.js';
import { pollFast } from './poll-fast.js';
import { pollJobs } from './poll-jobs.js';
import { jobState } from './state.js';

export type { TickReport } from './deps.js';
export type { SendHooks } from './notify.js';

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
  /** MMS calls in flight at once (default 4). */
  concurrency?: number;
  /** MMS calls started per second at most (default 10). */
  mmsRatePerSecond?: number;
  /** ListMmsJobs page size (default 100) and pages per source per cycle at most (default 500). */
  listPageSize?: number;
  maxListPages?: number;
  /** Failed tasks whose logs are read per job per cycle (default 20); the rest wait a cycle. */
  maxLogReadsPerJob?: number;
  /** Task lists of running jobs are re-read about this often even when nothing moved (default 300; 0: never). */
  taskRefreshSeconds?: number;
  /** Scans and job creations are given up after this long (default 15). */
  maxWaitMinutes?: number;
  /** Backoff per source after MMS errors: first wait and cap (default 15 s and 10 min). */
  backoffBaseSeconds?: number;
  backoffMaxSeconds?: number;
  /** Jitter source for backoff (default Math.random). */
  random?: () => number;
  /** Lease length (default max(60, 3 × intervalSeconds)). */
  leaseSeconds?: number;
  /** How long a row being sent is left alone by other senders (default 120). */
  claimSeconds?: number;
  /** Slack pacing per flush: posts per channel (default 8) and card edits (default 20). */
  maxPostsPerChannel?: number;
  maxUpdatesPerTick?: number;
  /** App Home: refresh users who opened it within this many minutes (60), at most every N seconds (30). */
  homeActiveMinutes?: number;
  homeMinIntervalSeconds?: number;
  /** Wall clock and sleep of the MMS request pacing (tests that count calls leave them alone). */
  gateClock?: () => number;
  gateSleep?: (ms: number) => Promise<void>;
  /** Sent outbox rows of watches that ended more than this many days ago are deleted (default 14). */
  outboxRetentionDays?: number;
  /** Test hooks around each Slack send (crash simulation). */
  hooks?: SendHooks;
}

const LEASE = 'watcher';

export class Watcher {
  readonly outbox: Outbox;
  readonly leases: LeaseStore;
  readonly known: KnownJobStore;
  readonly holder: string;
  private readonly deps: WatchDeps;
  private readonly notifier: Notifier;
  private readonly visitors: HomeVisitors;
  private readonly home: HomeBuilder;
  private readonly leaseMs: number;
  private readonly fastMs: number;
  private readonly jobsMs: number;
  /** The cron period: polls count as due half a period early, so a tick never just misses one. */
  private readonly periodMs: number;
  private tasks: ScheduledTask[] = [];
  private current: Promise<TickReport> | null = null;
  private lastFastAt: number | null = null;
  private lastJobsAt: number | null = null;
  private lastPruneAt: number | null = null;

  constructor(private readonly o: WatcherOptions) {
    const now = o.now;
    this.outbox = new Outbox(o.db, now);
    this.leases = new LeaseStore(o.db, now);
    this.known = new KnownJobStore(o.db, now);
    this.holder = o.holder ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.fastMs = (o.fastIntervalSeconds ?? 10) * 1000;
    this.jobsMs = o.intervalSeconds * 1000;
    this.periodMs = cronEvery(Math.min(this.fastMs, this.jobsMs) / 1000).periodSeconds * 1000;
    this.leaseMs = (o.leaseSeconds ?? Math.max(60, 3 * o.intervalSeconds)) * 1000;
    const concurrency = o.concurrency ?? 4;
    this.deps = {
      db: o.db,
      watches: o.services.watches,
      outbox: this.outbox,
      known: this.known,
      clients: o.services.clients,
      gate: new Gate({
        concurrency,
        ratePerSecond: o.mmsRatePerSecond ?? 10,
        ...(o.gateClock ? { clock: o.gateClock } : {}),
        ...(o.gateSleep ? { sleep: o.gateSleep } : {}),
      }),
      backoff: new SourceBackoff({
        baseMs: (o.backoffBaseSeconds ?? 15) * 1000,
        maxMs: (o.backoffMaxSeconds ?? 600) * 1000,
        random: o.random ?? Math.random,
      }),
      now,
      logger: o.logger,
      render: o.render,
      settings: {
        concurrency,
        listPageSize: o.listPageSize ?? 100,
        maxListPages: o.maxListPages ?? 500,
        maxLogReadsPerJob: o.maxLogReadsPerJob ?? 20,
        taskRefreshMs: (o.taskRefreshSeconds ?? 300) * 1000,
        maxWaitMs: (o.maxWaitMinutes ?? 15) * 60_000,
        notifyChannel: o.notifyChannel,
      },
      candidates: new Set(),
      sweeps: new Map(),
    };
    this.notifier = new Notifier({
      db: o.db,
      outbox: this.outbox,
      watches: o.services.watches,
      web: o.web,
      now,
      logger: o.logger,
      holdLease: () => this.leases.acquire(LEASE, this.holder, this.leaseMs),
      claimMs: (o.claimSeconds ?? 120) * 1000,
      maxPostsPerChannel: o.maxPostsPerChannel ?? 8,
      maxUpdates: o.maxUpdatesPerTick ?? 20,
      maxAttempts: 5,
      ...(o.hooks ? { hooks: o.hooks } : {}),
    });
    this.visitors = new HomeVisitors(
      (o.homeActiveMinutes ?? 60) * 60_000,
      (o.homeMinIntervalSeconds ?? 30) * 1000,
    );
    this.home = new HomeBuilder({ watches: o.services.watches, outbox: this.outbox, web: o.web, now });
  }

  /** Schedules the ticks: every fast interval (rounded to a divisor of 60 s); jobs are polled when due. */
  start(): void {
    if (this.tasks.length > 0) return;
    const { expression } = cronEvery(Math.min(this.fastMs, this.jobsMs) / 1000);
    const task = cron.schedule(
      expression,
      async () => {
        await this.tick().catch((err: unknown) => this.o.logger.error({ err }, 'watcher tick failed'));
      },
      { name: 'mms-watcher' },
    );
    this.tasks.push(task);
    this.o.logger.info({ expression, holder: this.holder }, 'watcher started');
  }

  /** Stops the schedule, waits for a running tick, and lets the lease go. */
  async stop(): Promise<void> {
    for (const t of this.tasks) {
      await t.stop();
      await t.destroy();
    }
    this.tasks = [];
    await this.current?.catch(() => undefined);
    try {
      this.leases.release(LEASE, this.holder);
    } catch {
      // the database may be closed already
    }
  }

  /**
   * One cycle. `fast` / `jobs` force (true) or skip (false) those polls; by default each runs when its
   * interval has passed on the injected clock. A tick that finds another running is skipped, not queued.
   */
  async tick(opts: { fast?: boolean; jobs?: boolean } = {}): Promise<TickReport> {
    if (this.current) {
      this.o.metrics.watcherTicks.inc({ outcome: 'overlap' });
      return { ...emptyReport(), skipped: 'overlap' };
    }
    const run = this.run(opts);
    this.current = run;
    try {
      const r = await run;
      this.o.metrics.watcherTicks.inc({ outcome: r.skipped ?? 'ok' });
      return r;
    } catch (e) {
      this.o.metrics.watcherTicks.inc({ outcome: 'error' });
      throw e;
    } finally {
      this.current = null;
    }
  }

  private async run(opts: { fast?: boolean; jobs?: boolean }): Promise<TickReport> {
    const r = emptyReport();
    const d = this.deps;
    d.gate.resetCounts();
    if (!this.leases.acquire(LEASE, this.holder, this.leaseMs)) return { ...r, skipped: 'lease' };
    const now = this.o.now();
    const due = (last: number | null, every: number) =>
      last === null || now - last >= every - this.periodMs / 2;
    this.expireConfirmations(r);
    if (opts.fast ?? due(this.lastFastAt, this.fastMs)) {
      this.lastFastAt = now;
      await pollFast(d, r);
    }
    if (opts.jobs ?? due(this.lastJobsAt, this.jobsMs)) {
      this.lastJobsAt = now;
      await pollJobs(d, r);
    }
    await this.notifier.flush(r);
    this.prune(now);
    if (r.queued > 0 || r.sent > 0) this.visitors.changed();
    await this.refreshHomes();
    r.mmsCalls = d.gate.total;
    r.mmsCallsByAction = Object.fromEntries(d.gate.counts);
    return r;
  }

  /** At most once an hour: sent outbox rows of watches that ended over `outboxRetentionDays` ago go. */
  private prune(now: number): void {
    if (this.lastPruneAt !== null && now - this.lastPruneAt < 3_600_000) return;
    this.lastPruneAt = now;
    const days = this.o.outboxRetentionDays ?? 14;
    try {
      const n = this.outbox.prune(now - days * 86_400_000);
      if (n > 0) this.o.logger.info({ rows: n, days }, 'outbox: pruned sent rows of ended watches');
    } catch (err) {
      this.o.logger.warn({ err }, 'outbox: pruning failed');
    }
  }

  /** Expired confirmations: their cards are edited through the outbox, in the transaction that expired them. */
  private expireConfirmations(r: TickReport): void {
    this.o.db
      .transaction(() => {
        for (const c of this.o.flow.expire()) {
          r.expired++;
          if (!c.messageTs) continue;
          const card = safePayload(this.o.flow.card(c, this.o.render(c.region)));
          if (
            this.outbox.enqueue({
              key: `confirm:${c.id}:expired`,
              watchId: null,
              channel: c.channel,
              kind: 'update',
              payload: { ...card, ts: c.messageTs },
            })
          )
            r.queued++;
        }
      })
      .immediate();
  }

  /**
   * After a confirmed write: watch the job, scan or job creation in the channel that asked. One card per
   * job: a job with a card in this channel keeps it (a retry, stop or resume edits it and posts in its
   * thread), and the confirmation card then says what was done and links to it; otherwise the confirmation
   * card becomes the job's card. A finished job watched again (a retry) starts a new run at its next poll.
   */
  register(w: WatchTarget): void {
    if (w.kind === 'job' && w.write === 'delete') {
      this.deleted(w);
      return;
    }
    const store = this.o.services.watches;
    this.o.db
      .transaction(() => {
        const existing = store.find(w.kind, w.region, w.sourceId, w.objectId, w.channel);
        const jobCardTs = existing && w.kind === 'job' ? this.outbox.cardTs(existing) : null;
        const keep = jobCardTs !== null && jobCardTs !== w.cardTs;
        const { watch } = store.add({
          kind: w.kind,
          region: w.region,
          sourceId: w.sourceId,
          sourceName: w.sourceName,
          objectId: w.objectId,
          channel: w.channel,
          label: w.label,
          cardTs: keep ? null : w.cardTs,
          createdBy: w.user,
        });
        // Who asked, so the thread can name them when the watcher sees the write happen.
        if (w.kind === 'job' && w.write) {
          const raw = watch.state && typeof watch.state === 'object' ? watch.state : {};
          store.setState(watch.id, { ...raw, asked: { write: w.write, by: w.user, at: this.o.now() } });
        }
        if (w.kind !== 'job' || !w.cardTs) return;
        if (keep) {
          const done = w.done ?? `Done: job ${w.label} (#${w.objectId}).`;
          this.noteOnConfirmation(w, w.cardTs, watch.id, done, messageLink(w.channel, jobCardTs));
          return;
        }
        if (this.outbox.card(watch.id)) this.outbox.moveCard(watch.id, w.cardTs);
        const s = jobState(watch.state);
        this.outbox.setCard(
          watch.id,
          watch.channel,
          safePayload(jobCardFor(watch, s, this.o.now(), this.o.render(w.region))),
          w.cardTs,
        );
      })
      .immediate();
  }

  /**
   * After a confirmed delete: every card of the job (in any channel) is drawn as deleted, with one message
   * in its thread saying who deleted it and its stale buttons settled; its watches end. The confirmation
   * card links to the job's card (the one in its own channel first). A job with no card has nothing to do.
   */
  private deleted(w: WatchTarget): void {
    const now = this.o.now();
    this.o.db
      .transaction(() => {
        let link: { watchId: number; channel: string; ts: string } | null = null;
        for (const x of this.o.services.watches.forObject('job', w.region, w.sourceId, w.objectId)) {
          const ts = this.outbox.cardTs(x);
          if (ts && (!link || (x.channel === w.channel && link.channel !== w.channel)))
            link = { watchId: x.id, channel: x.channel, ts };
          const s = jobState(x.state);
          if (s.ended === 'deleted') continue;
          const step = jobDeletedStep(x, s, now, w.user);
          const render = this.o.render(x.region);
          commit(this.deps, {
            watch: x,
            prev: x.state,
            next: step.state,
            glance: jobGlance(step.state),
            events: step.events,
            card: () => jobCardFor(x, step.state, now, render),
            end: true,
          });
        }
        if (!link || !w.cardTs || link.ts === w.cardTs) return;
        const done = w.done ?? `Job ${w.label} (#${w.objectId}) deleted.`;
        this.noteOnConfirmation(w, w.cardTs, link.watchId, done, messageLink(link.channel, link.ts), true);
      })
      .immediate();
  }

  /**
   * Edits the confirmation card `cardTs` (in the channel that asked) to say what was done and link the
   * job's card; queued on the watch `watchId` that card belongs to.
   */
  private noteOnConfirmation(
    w: WatchTarget,
    cardTs: string,
    watchId: number,
    done: string,
    jobCard: string,
    ended = false,
  ): void {
    const note = confirmationDone(done, { id: w.objectId, name: w.label }, jobCard, ended);
    this.outbox.enqueue({
      key: eventKey(watchId, `done:${cardTs}`),
      watchId,
      channel: w.channel,
      kind: 'update',
      payload: { ...safePayload(note), ts: cardTs },
    });
  }

  /** The Home tab for `user` (who just opened it): later changes are published to them for a while. */
  async homeView(user: string): Promise<View> {
    this.visitors.opened(user, this.o.now());
    return this.home.build();
  }

  private async refreshHomes(): Promise<void> {
    const now = this.o.now();
    const users = this.visitors.due(now);
    if (users.length === 0) return;
    const view = await this.home.build();
    for (const user of users) {
      try {
        await this.o.web.views.publish({ user_id: user, view });
        this.visitors.published(user, now);
      } catch (err) {
        this.o.logger.warn({ err, user }, 'cannot refresh the Home tab');
      }
    }
  }
}
