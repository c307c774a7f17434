// Jobs the watcher has seen per source, so a job started outside Slack (console, timer) is announced once.
// A row with job id 0 marks a source whose existing jobs were recorded (its first cycle announces nothing).
import { z } from 'zod';
import type { Db } from './db.js';

const BASELINE = 0;
const SourceRow = z.object({ region: z.string(), source_id: z.number() });

export class KnownJobStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  has(region: string, sourceId: number, jobId: number): boolean {
    return (
      this.db
        .prepare('select 1 from known_jobs where region = ? and source_id = ? and job_id = ?')
        .get(region, sourceId, jobId) !== undefined
    );
  }

  /** Records a job; false when it was known already. */
  add(region: string, sourceId: number, jobId: number): boolean {
    return (
      this.db
        .prepare(
          `insert into known_jobs (region, source_id, job_id, seen_at) values (?, ?, ?, ?)
           on conflict do nothing`,
        )
        .run(region, sourceId, jobId, this.now()).changes === 1
    );
  }

  /** Whether the source's existing jobs were recorded already. */
  baselined(region: string, sourceId: number): boolean {
    return this.has(region, sourceId, BASELINE);
  }

  markBaselined(region: string, sourceId: number): void {
    this.add(region, sourceId, BASELINE);
  }

  /** Sources with any known job. */
  sources(): Array<{ region: string; sourceId: number }> {
    return this.db
      .prepare('select distinct region, source_id from known_jobs order by region, source_id')
      .all()
      .map((r) => {
        const x = SourceRow.parse(r);
        return { region: x.region, sourceId: x.source_id };
      });
  }
}
