// What the bot does after acking a request (MMS calls, rendering, the response_url post) runs through one
// queue with a bounded number running at once and a bounded number waiting. A burst of requests then costs
// a queue entry each, not an MMS call, a socket and a pending response each, and acks stay prompt.

export class WorkQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  /** True when a new job would be refused: the running slots and the waiting list are full. */
  get full(): boolean {
    return this.running >= this.concurrency && this.waiting.length >= this.maxWaiting;
  }

  /** Runs `job` now when a slot is free (synchronously up to its first await), else when one frees. */
  run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) {
      this.running++;
      return this.execute(job);
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(() => this.execute(job));
  }

  private async execute<T>(job: () => Promise<T>): Promise<T> {
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next job waiting, else it frees.
      if (next) next();
      else this.running--;
    }
  }
}
