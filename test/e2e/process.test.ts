// `npm start` as users run it: a child process configured only through the environment, against the
// simulator and the Slack stand-in; health, metrics, a signed command, and a clean SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MmsSimulator, PLANTED_SECRETS, startSimulator } from '../../src/sim/index.js';
import { type SlackApiStandIn, startSlackApi } from '../helpers/slack-api.js';
import { SlackClient } from '../helpers/slack-requests.js';
import { tempDir } from '../helpers/tmp.js';

const TSX = join('node_modules', '.bin', 'tsx');

function run(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  let out = '';
  const child = spawn(TSX, ['src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('npm start', () => {
  it('with no configuration exits non-zero, listing every missing variable and no secret', async () => {
    const p = run({ SLACK_BOT_TOKEN: 'xoxp-not-a-bot-token-value' });
    expect(await p.exited).not.toBe(0);
    const out = p.output();
    for (const v of ['SLACK_BOT_TOKEN', 'MMS_REGION', 'SLACK_SIGNING_SECRET']) expect(out).toContain(v);
    expect(out).not.toContain('xoxp-not-a-bot-token-value');
  });

  describe('configured', () => {
    let sim: MmsSimulator;
    let api: SlackApiStandIn;
    let tmp: ReturnType<typeof tempDir>;
    let proc: ReturnType<typeof run>;
    let base: string;
    beforeAll(async () => {
      sim = await startSimulator({ seed: 2 });
      api = await startSlackApi();
      tmp = tempDir();
      const port = await freePort();
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
        LOG_LEVEL: 'debug',
      });
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

    it('serves metrics', async () => {
      const m = await (await fetch(`${base}/metrics`)).text();
      expect(m).toContain('mms_calls_total');
    });

    it('answers a signed /mms command with data from MMS, through the credential chain', async () => {
      const slack = new SlackClient({ baseUrl: base, signingSecret: 'process-signing-secret', api });
      const r = await slack.command('sources');
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).toContain('hive-prod');
      const src = await slack.command('source hive-prod');
      const text = JSON.stringify(src.body);
      for (const s of PLANTED_SECRETS) expect(text).not.toContain(s);
    });

    it('refuses a forged request', async () => {
      const slack = new SlackClient({ baseUrl: base, signingSecret: 'wrong-secret', api });
      expect((await slack.command('sources')).status).toBe(401);
    });

    it('stops cleanly on SIGTERM, with no secret in its logs', async () => {
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      const out = proc.output();
      expect(out).toContain('mms-chatops is running');
      for (const s of [...PLANTED_SECRETS, sim.credentials.accessKeySecret, 'process-signing-secret']) {
        expect(out).not.toContain(s);
      }
    });
  });
});
