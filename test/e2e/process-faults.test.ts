// Nothing brings the process down: `npm start` as users run it, sent the signed bodies that used to end it
// (`payload=null`, a JSON `null`), keeps answering and still stops cleanly on SIGTERM; and the process-level
// handlers keep a process alive through a stray rejection and an exception thrown in a timer.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MmsSimulator, startSimulator } from '../../src/sim/index.js';
import { freePort, startProcess, waitFor } from '../helpers/process.js';
import { type SlackApiStandIn, startSlackApi } from '../helpers/slack-api.js';
import { FORM, SlackClient } from '../helpers/slack-requests.js';
import { tempDir } from '../helpers/tmp.js';

const TSX = join('node_modules', '.bin', 'tsx');

const run = (args: string[], env: Record<string, string> = {}) => startProcess(TSX, args, env);

describe('process-level handlers', () => {
  it('a stray rejection and an exception in a timer are logged; the process lives on', async () => {
    const p = run([join('test', 'e2e', 'fixtures', 'stray-errors.ts')]);
    expect(await p.exited).toBe(0);
    const out = p.output();
    expect(out).toContain('still serving');
    expect(out).toContain('stray rejection');
    expect(out).toContain('thrown in a timer');
  }, 30_000);
});

describe('npm start under hostile signed requests', () => {
  let sim: MmsSimulator;
  let api: SlackApiStandIn;
  let tmp: ReturnType<typeof tempDir>;
  let proc: ReturnType<typeof run>;
  let base: string;
  let slack: SlackClient;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 3 });
    api = await startSlackApi();
    tmp = tempDir();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = run(['src/main.ts'], {
      SLACK_BOT_TOKEN: 'xoxb-process-faults',
      SLACK_SIGNING_SECRET: 'process-faults-secret',
      SLACK_API_URL: api.url,
      MMS_REGION: 'cn-hangzhou',
      MMS_ENDPOINT: sim.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sim.credentials.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sim.credentials.accessKeySecret,
      DATABASE_PATH: join(tmp.dir, 'p.db'),
      MMS_OPERATORS: 'U0OPS00001',
      PORT: String(port),
      LOG_LEVEL: 'info',
    });
    slack = new SlackClient({ baseUrl: base, signingSecret: 'process-faults-secret', api });
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

  it('each body that used to end the process is a 400, and the bot answers the next command', async () => {
    const bodies: Array<[string, string]> = [
      ['payload=null', FORM],
      ['null', 'application/json'],
      [`payload=${encodeURIComponent('{"type":"block_actions","actions":null}')}`, FORM],
      [`payload=${encodeURIComponent('{"type":"view_submission","view":null}')}`, FORM],
    ];
    for (const [body, type] of bodies) {
      const r = await fetch(`${base}/slack/events`, {
        method: 'POST',
        headers: slack.signedHeaders(body, type),
        body,
        signal: AbortSignal.timeout(5000),
      });
      expect(r.status, body).toBe(400);
    }
    expect(proc.child.exitCode).toBeNull();
    const r = await slack.command('sources');
    expect(r.status).toBe(200);
    // Commands that wait on MMS ack at once and answer through the response URL.
    const path = new URL(r.responseUrl!).pathname;
    const answer = await api.waitForResponse((x) => x.path === path);
    expect(JSON.stringify(answer.body)).toContain('hive-prod');
  });

  it('still stops cleanly on SIGTERM', async () => {
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
