// The watcher's door to MMS: at most `concurrency` calls in flight and at most `ratePerSecond` started per
// second (a token bucket with a burst of one second's worth). It counts what went through, per action.
// Its clock is a wall clock on purpose: it paces real requests, so the logic clock tests pin is not used.

export interface GateOptions {
  concurrency: number;
  ratePerSecond: number;
  /** Monotonic milliseconds (default performance.now). */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class Gate {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private tokens: number;
  private refilledAt: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly burst: number;
  /** Calls started, by action, since the last `resetCounts`. */
  counts = new Map<string, number>();

  constructor(private readonly o: GateOptions) {
    this.clock = o.clock ?? (() => performance.now());
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.burst = Math.max(1, o.ratePerSecond);
    this.tokens = this.burst;
    this.refilledAt = this.clock();
  }

  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  resetCounts(): void {
    this.counts = new Map();
  }

  async run<T>(action: string, fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      await this.token();
      this.counts.set(action, (this.counts.get(action) ?? 0) + 1);
      return await fn();
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < Math.max(1, this.o.concurrency)) {
      this.inFlight++;
      return;
    }
    // The releasing call hands its slot over directly, so inFlight stays counted.
    await new Promise<void>((r) => this.waiting.push(r));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  private async token(): Promise<void> {
    for (;;) {
      const now = this.clock();
      this.tokens = Math.min(
        this.burst,
        this.tokens + ((now - this.refilledAt) * this.o.ratePerSecond) / 1000,
      );
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.o.ratePerSecond));
    }
  }
}

/** Runs `fn` over `items`, at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}
