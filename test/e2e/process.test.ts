// The command the image runs and `npm start` runs, `node dist/main.js`: a child process configured only
// through the environment, against the simulator and the Slack stand-in. Health, metrics on their own
// loopback port, a signed command acked at once and answered through response_url, and SIGTERM in the
// middle of a watcher cycle: the cycle finishes, the database closes, the process exits 0.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MmsSimulator, PLANTED_SECRETS, startSimulator } from '../../src/sim/index.js';
import { ensureBuilt, freePort, MAIN, startProcess, waitFor } from '../helpers/process.js';
import { type SlackApiStandIn, startSlackApi } from '../helpers/slack-api.js';
import { CHANNEL, SlackClient } from '../helpers/slack-requests.js';
import { tempDir } from '../helpers/tmp.js';

const run = (env: Record<string, string>) => startProcess(process.execPath, [MAIN], env);

/** The `msg` of every JSON log line, in order. */
function messages(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => String((JSON.parse(l) as { msg?: string }).msg));
}

beforeAll(() => ensureBuilt(), 180_000);

describe('node dist/main.js', () => {
  it('with no configuration exits non-zero, listing every missing variable and no secret', async () => {
    const p = run({ SLACK_BOT_TOKEN: 'xoxp-not-a-bot-token-value', METRICS_PORT: 'many' });
    expect(await p.exited).not.toBe(0);
    const out = p.output();
    for (const v of ['SLACK_BOT_TOKEN', 'MMS_REGION', 'SLACK_SIGNING_SECRET', 'METRICS_PORT'])
      expect(out).toContain(v);
    expect(out).not.toContain('xoxp-not-a-bot-token-value');
  });

  describe('configured', () => {
    let sim: MmsSimulator;
    let api: SlackApiStandIn;
    let tmp: ReturnType<typeof tempDir>;
    let proc: ReturnType<typeof run>;
    let base: string;
    let metricsPort: number;
    let slack: SlackClient;
    beforeAll(async () => {
      sim = await startSimulator({ seed: 2 });
      api = await startSlackApi();
      tmp = tempDir();
      const port = await freePort();
      metricsPort = await freePort();
      base = `http://127.0.0.1:${port}`;
      proc = run({
        SLACK_BOT_TOKEN: 'xoxb-process-test',
        SLACK_SIGNING_SECRET: 'process-signing-secret',
        SLACK_API_URL: api.url,
        MMS_REGION: 'cn-hangzhou',
        MMS_ENDPOINT: sim.url,
        ALIBABA_CLOUD_ACCESS_KEY_ID: sim.credentials.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: sim.credentials.accessKeySecret,
        DATABASE_PATH: join(tmp.dir, 'p.db'),
        MMS_OPERATORS: 'U0OPS00001',
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        WATCH_INTERVAL_SECONDS: '5',
        LOG_LEVEL: 'debug',
      });
      slack = new SlackClient({ baseUrl: base, signingSecret: 'process-signing-secret', api });
      await waitFor(async () => (await fetch(`${base}/healthz`)).status === 200, 'healthz 200');
    }, 30_000);
    afterAll(async () => {
      if (proc.child.exitCode === null) {
        proc.child.kill('SIGKILL');
        await proc.exited;
      }
      await Promise.all([sim?.close(), api?.close()]);
      tmp?.cleanup();
    });

    it('serves metrics on their own loopback port, not on the port Slack calls', async () => {
      const m = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(m.status).toBe(200);
      expect(await m.text()).toContain('mms_calls_total');
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      expect(proc.output()).toContain(`"metrics":"http://127.0.0.1:${metricsPort}/metrics"`);
    });

    it('acks a command that waits on MMS at once, then answers through response_url, redacted', async () => {
      const r = await slack.command('sources');
      expect(r.status).toBe(200);
      expect(r.body).toBe('');
      const path = new URL(r.responseUrl!).pathname;
      const answer = await api.waitForResponse((x) => x.path === path);
      expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
      expect(JSON.stringify(answer.body)).toContain('hive-prod');

      const src = await slack.command('source hive-prod');
      const srcPath = new URL(src.responseUrl!).pathname;
      const text = JSON.stringify((await api.waitForResponse((x) => x.path === srcPath)).body);
      expect(text).toContain('hive-prod');
      for (const s of PLANTED_SECRETS) expect(text).not.toContain(s);
    });

    it('answers help in the ack itself: no I/O needed', async () => {
      const r = await slack.command('help');
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).toContain('/mms');
    });

    it('refuses a forged request', async () => {
      const forged = new SlackClient({ baseUrl: base, signingSecret: 'wrong-secret', api });
      expect((await forged.command('sources')).status).toBe(401);
    });

    it('on SIGTERM mid-cycle: finishes the watcher cycle, closes the database, exits 0', async () => {
      const w = await slack.command('watch hive-prod 3', { channel: CHANNEL });
      const wPath = new URL(w.responseUrl!).pathname;
      expect(JSON.stringify((await api.waitForResponse((x) => x.path === wPath)).body)).toContain(
        'Watching job',
      );
      // Every MMS answer now takes 700 ms: the next watcher cycle is still polling when SIGTERM arrives.
      sim.setLatency(700);
      const before = sim.calls.length;
      await waitFor(() => sim.calls.length > before, 'the watcher to poll MMS', 15_000);
      const postsBefore = api.callsTo('chat.postMessage').length;
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);

      // The cycle in flight when SIGTERM came ran to its end: it posted the job's card.
      expect(api.callsTo('chat.postMessage').length).toBeGreaterThan(postsBefore);
      expect(
        api
          .messages(CHANNEL)
          .map((m) => JSON.stringify(m))
          .join('\n'),
      ).toContain('sales_orders_2025');
      const log = messages(proc.output());
      const at = (m: string) => log.findIndex((l) => l.startsWith(m));
      expect(at('mms-chatops is running')).toBeGreaterThanOrEqual(0);
      expect(at('shutting down')).toBeGreaterThan(at('mms-chatops is running'));
      expect(at('watcher stopped')).toBeGreaterThan(at('shutting down'));
      expect(at('database closed')).toBeGreaterThan(at('watcher stopped'));
      expect(at('mms-chatops stopped')).toBeGreaterThan(at('database closed'));

      const out = proc.output();
      for (const s of [...PLANTED_SECRETS, sim.credentials.accessKeySecret, 'process-signing-secret']) {
        expect(out).not.toContain(s);
      }
    }, 30_000);
  });
});
