// What goes on the wire for the calls without a body (DeleteMmsJob, Start/Stop/RetryMmsJob, RetryMmsTask,
// TriggerMmsTimer): no body and no content-type, as the official SDK sends them, and still a signature
// that matches exactly what was sent: checked here by an ROA HMAC-SHA1 computed independently from the
// captured request, and by the simulator, which refuses any signature it cannot reproduce.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MmsClient } from '../../src/mms/client.js';
import { staticCredentials } from '../../src/mms/credentials.js';
import { type MmsSimulator, startSimulator } from '../../src/sim/index.js';

const KEY_ID = 'LTAI5tWireTestKey000001';
const SECRET = 'wire-test-secret-0123456789';
const NO_RETRY = { tries: 1, baseMs: 1, maxMs: 1 };

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The legacy ROA string-to-sign, written from the signing rules, not from pop-core or the simulator. */
function expectedAuthorization(r: Captured): string {
  const h = (name: string): string => {
    const v = r.headers[name];
    return Array.isArray(v) ? v.join(',') : (v ?? '');
  };
  const url = new URL(r.url, 'http://x');
  const acs = Object.keys(r.headers)
    .filter((k) => k.startsWith('x-acs-'))
    .sort()
    .map((k) => `${k}:${h(k).trim()}\n`)
    .join('');
  const params = [...url.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const resource = params.length
    ? `${url.pathname}?${params.map(([k, v]) => `${k}=${v}`).join('&')}`
    : url.pathname;
  const toSign = `${r.method}\n${h('accept')}\n${h('content-md5')}\n${h('content-type')}\n${h('date')}\n${acs}${resource}`;
  return `acs ${KEY_ID}:${createHmac('sha1', SECRET).update(toSign, 'utf8').digest('base64')}`;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('base64');

const sid = 2000015;
const EMPTY_BODY: Array<[string, (c: MmsClient) => Promise<unknown>, string]> = [
  ['DeleteMmsJob', (c) => c.deleteJob(sid, 2), `/api/v1/mms/datasources/${sid}/jobs/2`],
  ['StartMmsJob', (c) => c.startJob(sid, 3), `/api/v1/mms/datasources/${sid}/jobs/3/start`],
  ['StopMmsJob', (c) => c.stopJob(sid, 3), `/api/v1/mms/datasources/${sid}/jobs/3/stop`],
  ['RetryMmsJob', (c) => c.retryJob(sid, 2), `/api/v1/mms/datasources/${sid}/jobs/2/retry`],
  ['RetryMmsTask', (c) => c.retryTask(sid, 7), `/api/v1/mms/datasources/${sid}/tasks/7/retry`],
  ['TriggerMmsTimer', (c) => c.triggerTimer(sid, 1), `/api/v1/mms/datasources/${sid}/timers/1/trigger`],
];

describe('calls without a body, captured on the wire', () => {
  let server: Server;
  const captured: Captured[] = [];
  let client: MmsClient;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        captured.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ requestId: 'R', data: 1 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = new MmsClient('cn-hangzhou', {
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: staticCredentials({ accessKeyId: KEY_ID, accessKeySecret: SECRET }),
      retry: NO_RETRY,
    });
  });
  afterAll(async () => {
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  });

  it.each(EMPTY_BODY)(
    '%s: POST, no body, no content-type, signed over exactly that',
    async (action, call, path) => {
      captured.length = 0;
      await call(client);
      expect(captured).toHaveLength(1);
      const r = captured[0]!;
      expect(r.method).toBe('POST');
      expect(r.url).toBe(path);
      expect(r.headers['x-acs-action']).toBe(action);
      expect(r.body.length).toBe(0);
      expect(r.headers['content-type']).toBeUndefined();
      expect(Number(r.headers['content-length'] ?? 0)).toBe(0);
      // pop-core still sends the Content-MD5 of what it sends: the empty body.
      expect(r.headers['content-md5']).toBe(md5(Buffer.alloc(0)));
      expect(r.headers.authorization).toBe(expectedAuthorization(r));
    },
  );

  it('a call with a body keeps its JSON content-type, and the same independent check accepts it', async () => {
    captured.length = 0;
    await client.updateTimer(sid, 1, { stopped: true });
    const r = captured[0]!;
    expect(r.method).toBe('PUT');
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body.toString('utf8'))).toEqual({ stopped: true });
    expect(r.headers['content-md5']).toBe(md5(r.body));
    expect(r.headers.authorization).toBe(expectedAuthorization(r));
  });

  it('the independent check is not a formality: it rejects a request whose content-type was changed', async () => {
    captured.length = 0;
    await client.startJob(sid, 3);
    const r = captured[0]!;
    const tampered = { ...r, headers: { ...r.headers, 'content-type': 'application/json' } };
    expect(r.headers.authorization).not.toBe(expectedAuthorization(tampered));
  });
});

describe('calls without a body, against the simulator', () => {
  let sim: MmsSimulator;
  let client: MmsClient;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, accessKeyId: KEY_ID, accessKeySecret: SECRET });
    client = new MmsClient('cn-hangzhou', {
      endpoint: sim.url,
      credentials: staticCredentials(sim.credentials),
      retry: NO_RETRY,
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('the simulator checks each signature and accepts all six', async () => {
    // The demo world, run to its end: job 2 failed (Access Denied), job 3 failed verification; timer 1.
    // Job 2 is retried (a retry succeeds), runs to its end and is deleted last.
    sim.runUntilIdle();
    const failed = (await client.listTasks(sid, { jobId: 3, status: 'VERIFICATION_FAILED' })).items[0];
    expect(failed).toBeDefined();
    sim.resetCalls();
    await client.retryJob(sid, 2);
    await client.retryTask(sid, failed!.id);
    await client.stopJob(sid, 3);
    sim.runUntilIdle();
    await client.startJob(sid, 3);
    await client.triggerTimer(sid, 1);
    await client.deleteJob(sid, 2);
    const calls = sim.calls.filter((c) => c.method === 'POST');
    expect(calls.map((c) => [c.action, c.status, c.body])).toEqual([
      ['RetryMmsJob', 200, undefined],
      ['RetryMmsTask', 200, undefined],
      ['StopMmsJob', 200, undefined],
      ['StartMmsJob', 200, undefined],
      ['TriggerMmsTimer', 200, undefined],
      ['DeleteMmsJob', 200, undefined],
    ]);
  });

  it('and refuses one signed with another secret', async () => {
    const wrong = new MmsClient('cn-hangzhou', {
      endpoint: sim.url,
      credentials: staticCredentials({ accessKeyId: KEY_ID, accessKeySecret: `${SECRET}x` }),
      retry: NO_RETRY,
    });
    await expect(wrong.retryJob(sid, 2)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});
