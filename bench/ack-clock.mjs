// Preloaded (`node --import`) into both apps by bench/runtime.ts: the time each POST spends inside the app,
// from its request parsed to its response finished, read from Node's own HTTP diagnostics channels, so both
// apps are timed by the same code without a line of theirs changed. Written, as
// `[[start ms since the epoch, ms in the app], …]`, to BENCH_ACK_FILE when the process exits.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_ACK_FILE;
if (file) {
  const started = new WeakMap();
  const times = [];
  subscribe('http.server.request.start', ({ request }) => {
    if (request.method === 'POST') started.set(request, performance.now());
  });
  subscribe('http.server.response.finish', ({ request }) => {
    const t = started.get(request);
    if (t !== undefined) times.push([performance.timeOrigin + t, performance.now() - t]);
  });
  process.on('exit', () => writeFileSync(file, JSON.stringify(times)));
}
