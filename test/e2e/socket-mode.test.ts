// Socket Mode, as users behind a firewall run it: `node dist/main.js` with SLACK_APP_TOKEN and no signing
// secret, against the simulator, the Slack Web API stand-in (which hands out the Socket Mode URL) and a
// Socket Mode stand-in. The app opens its connection through SLACK_API_URL, answers help in the ack, acks a
// read at once and answers it through response_url, acks and logs payloads that are not Slack's shapes
// without running anything, still serves /healthz on PORT, and exits 0 on SIGTERM.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MmsSimulator, PLANTED_SECRETS, startSimulator } from '../../src/sim/index.js';
import { ensureBuilt, freePort, MAIN, startProcess, waitFor } from '../helpers/process.js';
import { type SlackApiStandIn, startSlackApi } from '../helpers/slack-api.js';
import { USER } from '../helpers/slack-requests.js';
import { SocketModeSlack, type SocketModeStandIn, startSocketMode } from '../helpers/socket-mode.js';
import { tempDir } from '../helpers/tmp.js';

const APP_TOKEN = 'xapp-1-A0MMSAPP01-socket-test-token';

let sim: MmsSimulator;
let api: SlackApiStandIn;
let link: SocketModeStandIn;
let tmp: ReturnType<typeof tempDir>;
let proc: ReturnType<typeof startProcess>;
let base: string;
let slack: SocketModeSlack;

beforeAll(async () => {
  ensureBuilt();
  link = await startSocketMode();
  [sim, api] = await Promise.all([startSimulator({ seed: 2 }), startSlackApi({ socketModeUrl: link.url })]);
  slack = new SocketModeSlack(link, api);
  tmp = tempDir();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  proc = startProcess(process.execPath, [MAIN], {
    SLACK_BOT_TOKEN: 'xoxb-socket-test',
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: api.url,
    MMS_REGION: 'cn-hangzhou',
    MMS_ENDPOINT: sim.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sim.credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sim.credentials.accessKeySecret,
    DATABASE_PATH: join(tmp.dir, 's.db'),
    MMS_OPERATORS: USER,
    PORT: String(port),
    METRICS_PORT: String(await freePort()),
  });
  await link.connected(20_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${proc.output()}`);
  });
  await waitFor(async () => (await fetch(`${base}/healthz`)).status === 200, 'healthz 200');
}, 190_000);

afterAll(async () => {
  if (proc && proc.child.exitCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
  await Promise.all([sim?.close(), api?.close(), link?.close()]);
  tmp?.cleanup();
});

describe('node dist/main.js in Socket Mode', () => {
  it('opens its connection with the app-level token through SLACK_API_URL', () => {
    const opens = api.callsTo('apps.connections.open');
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens.every((c) => c.token === APP_TOKEN && c.ok)).toBe(true);
  });

  it('answers help in the ack', async () => {
    const r = await slack.command('help');
    expect(r.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(r.body)).toContain('/mms');
  });

  it('acks a read at once, then answers it through response_url, redacted', async () => {
    const r = await slack.command('source hive-prod');
    expect(r.body).toEqual({});
    const path = new URL(r.responseUrl!).pathname;
    const answer = await api.waitForResponse((x) => x.path === path, 10_000);
    const text = JSON.stringify(answer.body);
    expect(text).toContain('hive-prod');
    for (const s of PLANTED_SECRETS) expect(text).not.toContain(s);
  });

  it('runs a button click from its payload', async () => {
    const r = await slack.click('mms_run', 'jobs hive-prod');
    expect(r.status).toBe(200);
    const answer = await api.waitForResponse((x) => x.path === new URL(r.responseUrl!).pathname, 10_000);
    expect(JSON.stringify(answer.body)).toMatch(/hive-prod/);
  });

  it('acks and logs a payload that is not one Slack sends, runs nothing, and answers the next command', async () => {
    link.sendRaw('not json at all');
    const mmsCalls = sim.calls.length;
    const odd = [
      await link.send('slash_commands', null),
      await link.send('interactive', { type: 'block_actions' }),
      await link.send('slash_commands', { command: '/mms', text: 'sources', user_id: 'not-a-user' }),
    ];
    for (const ack of odd) expect(ack.payload ?? {}).toEqual({});
    expect(sim.calls.length).toBe(mmsCalls);
    // Slack's own client parses this one and throws before any receiver sees it: logged, and the bot goes on.
    link.sendRaw(JSON.stringify({ envelope_id: 'env-event', type: 'events_api', payload: {} }));
    expect(JSON.stringify((await slack.command('help')).body)).toContain('/mms');
    expect(proc.child.exitCode).toBeNull();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const refused = proc.output().match(/refused a Socket Mode payload that is not a valid payload/g) ?? [];
    expect(refused).toHaveLength(3);
    expect(proc.output()).toContain('user_id: not a user id');
  });

  it('exits 0 on SIGTERM, its connection closed', async () => {
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    const out = proc.output();
    expect(out).toContain('mms-chatops stopped');
    for (const s of [...PLANTED_SECRETS, APP_TOKEN, sim.credentials.accessKeySecret])
      expect(out).not.toContain(s);
  });
});
