// Tiny timing helpers for the bench scripts: each figure is a ratio against a baseline measured in the
// same run, so the machine's speed cancels out. Never used in tests.

export interface Timing {
  name: string;
  perOpUs: number;
}

/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up) and returns µs per call. */
export async function time(name: string, fn: () => unknown | Promise<unknown>, ms = 400): Promise<Timing> {
  for (let i = 0; i < 5; i++) await fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() - start < budget) {
    await fn();
    n++;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1000;
  return { name, perOpUs: elapsed / n };
}

export function report(title: string, baseline: Timing, others: Timing[]): void {
  console.log(`\n${title}`);
  console.log(`  ${baseline.name.padEnd(52)} ${baseline.perOpUs.toFixed(1).padStart(10)} µs/op   (baseline)`);
  for (const t of others) {
    const ratio = t.perOpUs / baseline.perOpUs;
    console.log(
      `  ${t.name.padEnd(52)} ${t.perOpUs.toFixed(1).padStart(10)} µs/op   ${ratio.toFixed(2)}× baseline`,
    );
  }
}

export function heapMb(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}
