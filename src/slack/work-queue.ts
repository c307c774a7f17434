// What the bot does after acking a request (MMS calls, rendering, the response_url post) runs through one
// queue with a bounded number running at once and a bounded number waiting. A burst of requests then costs
// a queue entry each, not an MMS call, a socket and a pending response each.
//
// Acks come first: while Slack requests are waiting for their ack, work that could start waits (up to
// `maxDeferMs`), and work starts at a bounded rate, lower still while requests pour in, so a flood of
// requests is acked about as fast as a bare Bolt app acks it; what does not fit in the queue is refused at
// once ("busy, nothing ran"). Slack's clock runs only until the ack; a response_url stays valid for 30
// minutes.

/** How many Slack requests are in hand and not yet answered, and how fast they arrive; fed by the receiver. */
export class AckGauge {
  private inHand = 0;
  private readonly idle: Array<() => void> = [];
  /** Arrivals counted per whole second of the clock: this second's, and the one before's. */
  private second = 0;
  private arrivedThisSecond = 0;
  private arrivedLastSecond = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get pending(): number {
    return this.inHand;
  }

  /**
   * Signed requests arrived in about the last second. A flood queues most of its requests in the sockets,
   * where `pending` does not see them; their arrival rate shows it.
   */
  get perSecond(): number {
    this.roll();
    return Math.max(this.arrivedThisSecond, this.arrivedLastSecond);
  }

  private roll(): void {
    const s = Math.floor(this.now() / 1000);
    if (s === this.second) return;
    this.arrivedLastSecond = s === this.second + 1 ? this.arrivedThisSecond : 0;
    this.arrivedThisSecond = 0;
    this.second = s;
  }

  /**
   * A request signed with the signing secret arrived: counted toward `perSecond`. Only signed ones count,
   * so unsigned requests cannot slow the work down.
   */
  arrived(): void {
    this.roll();
    this.arrivedThisSecond++;
  }

  /** A request arrived; `done` (call it once) when its answer has been sent or its connection closed. */
  enter(): () => void {
    this.inHand++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inHand--;
      if (this.inHand === 0) for (const f of this.idle) f();
    };
  }

  onIdle(f: () => void): void {
    this.idle.push(f);
  }
}

export interface WorkQueueOptions {
  /** Requests waiting for their ack; work yields to them. Without it work starts as soon as a slot frees. */
  acks?: AckGauge;
  /** The longest a job waits for the acks to clear before it starts anyway. */
  maxDeferMs?: number;
  /** Jobs started per second, sustained. Default: no limit. */
  perSecond?: number;
  /**
   * Under a flood (Slack requests arriving at `flood.arrivals` a second or more), jobs started per second:
   * each job's MMS calls, rendering and response post take CPU that the flood's acks wait for.
   */
  flood?: { arrivals: number; perSecond: number };
  /** How many may start at once within that rate (default: a second's worth). */
  burst?: number;
  now?: () => number;
}

interface Waiting {
  start: () => void;
  since: number;
}

export class WorkQueue {
  private running = 0;
  private readonly waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerDue: number | null = null;
  private readonly maxDeferMs: number;
  private readonly perSecond: number;
  private readonly now: () => number;
  /** Starts allowed now (a token bucket refilled at the current rate, holding at most `burst`). */
  private tokens: number;
  private readonly burst: number;
  private refilledAt: number;
  private rateAtRefill: number;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly o: WorkQueueOptions = {},
  ) {
    this.maxDeferMs = o.maxDeferMs ?? 1000;
    this.perSecond = o.perSecond ?? Number.POSITIVE_INFINITY;
    this.now = o.now ?? Date.now;
    this.burst = o.burst ?? this.perSecond;
    this.tokens = this.burst;
    this.refilledAt = this.now();
    this.rateAtRefill = this.perSecond;
    o.acks?.onIdle(() => this.pump());
  }

  /** True when a new job would be refused: the bot holds as many jobs as it runs and keeps waiting. */
  get full(): boolean {
    return this.running + this.waiting.length >= this.concurrency + this.maxWaiting;
  }

  /**
   * Runs `job` now (synchronously up to its first await) when a slot and a start are free and no ack is
   * waiting, else in its turn. `yieldToAcks: false` is for work that runs before its own request's ack.
   */
  run<T>(job: () => Promise<T>, o: { yieldToAcks?: boolean } = {}): Promise<T> {
    const yieldToAcks = o.yieldToAcks ?? true;
    if (
      this.running < this.concurrency &&
      this.waiting.length === 0 &&
      this.refill() >= 1 &&
      !(yieldToAcks && this.acksWaiting())
    ) {
      this.tokens -= 1;
      this.running++;
      return this.execute(job);
    }
    const started = new Promise<void>((start) => this.waiting.push({ start, since: this.now() }));
    this.pump();
    return started.then(() => this.execute(job));
  }

  private acksWaiting(): boolean {
    return (this.o.acks?.pending ?? 0) > 0;
  }

  /** The sustained rate of starts right now: lower under a flood. */
  private rate(): number {
    const f = this.o.flood;
    return f && (this.o.acks?.perSecond ?? 0) >= f.arrivals ? f.perSecond : this.perSecond;
  }

  private refill(): number {
    if (this.perSecond === Number.POSITIVE_INFINITY) return this.tokens;
    const t = this.now();
    // A flood may have begun or ended since the last refill: that time is credited at the lower rate.
    const rate = this.rate();
    const credited = Math.min(rate, this.rateAtRefill);
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.refilledAt) * credited) / 1000);
    this.refilledAt = t;
    this.rateAtRefill = rate;
    return this.tokens;
  }

  /** Starts what may start now, first come first served; else wakes up when the head may start. */
  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const head = this.waiting[0]!;
      if (this.refill() < 1) break;
      if (this.acksWaiting() && this.now() - head.since < this.maxDeferMs) break;
      this.waiting.shift();
      this.tokens -= 1;
      this.running++;
      head.start();
    }
    this.arm();
  }

  /** One timer, set for when the head of the line may start (sooner if the acks clear: onIdle). */
  private arm(): void {
    const head = this.waiting[0];
    let due: number | null = null;
    if (head && this.running < this.concurrency) {
      const t = this.now();
      const tokenAt = this.tokens >= 1 ? t : t + ((1 - this.tokens) * 1000) / this.rate();
      const deferEnd = this.acksWaiting() ? head.since + this.maxDeferMs : t;
      due = Math.ceil(Math.max(tokenAt, deferEnd));
    }
    if (due === this.timerDue) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = due;
    if (due === null) return;
    this.timer = setTimeout(
      () => {
        this.timerDue = null;
        this.pump();
      },
      Math.max(1, due - this.now()),
    );
    this.timer.unref();
  }

  private async execute<T>(job: () => Promise<T>): Promise<T> {
    try {
      return await job();
    } finally {
      this.running--;
      this.pump();
    }
  }
}
