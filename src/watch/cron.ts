// node-cron expressions for "every N seconds". Cron steps restart at each minute (or hour), so only divisors
// of 60 tick evenly: an interval is rounded down to one, and the watcher's own due-time check does the rest.

const DIVISORS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60];

const evenStep = (n: number): number => DIVISORS.filter((d) => d <= n).at(-1) ?? 1;

/** The schedule and its real period in seconds. */
export function cronEvery(seconds: number): { expression: string; periodSeconds: number } {
  const s = Math.max(1, Math.floor(seconds));
  if (s < 60) {
    const step = evenStep(s);
    return { expression: step === 1 ? '* * * * * *' : `*/${step} * * * * *`, periodSeconds: step };
  }
  const minutes = evenStep(Math.min(60, Math.floor(s / 60)));
  if (minutes === 60) return { expression: '0 0 * * * *', periodSeconds: 3600 };
  return {
    expression: minutes === 1 ? '0 * * * * *' : `0 */${minutes} * * * *`,
    periodSeconds: minutes * 60,
  };
}
