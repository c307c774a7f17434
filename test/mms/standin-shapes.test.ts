// An MMS that follows MMS.md but is not our simulator: a tiny ROA stand-in on loopback (no signature check)
// that answers with the shapes MMS.md allows or leaves open, and the client and its helpers against it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll, MmsClient } from '../../src/mms/client.js';
import { staticCredentials } from '../../src/mms/credentials.js';
import { MmsError } from '../../src/mms/errors.js';
import { redact, redactText } from '../../src/mms/redact.js';
import { asyncTaskState, isJobTerminal, isTaskFailed, scanState } from '../../src/mms/schemas.js';

type Handler = (q: URLSearchParams, req: IncomingMessage) => { status?: number; body: unknown };

/** Answers by `x-acs-action`; an unknown action is a gateway-shaped 404. */
class StandIn {
  handlers = new Map<string, Handler>();
  calls: Array<{ action: string; query: URLSearchParams }> = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const action = String(req.headers['x-acs-action'] ?? '');
        this.calls.push({ action, query: url.searchParams });
        const h = this.handlers.get(action);
        const out = h
          ? h(url.searchParams, req)
          : { status: 404, body: { Code: 'InvalidAction.NotFound', Message: action, RequestId: 'R1' } };
        res.writeHead(out.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out.body));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

const standIn = new StandIn();
let client: MmsClient;

beforeAll(async () => {
  await standIn.start();
  client = new MmsClient('cn-hangzhou', {
    endpoint: standIn.url,
    credentials: staticCredentials({ accessKeyId: 'AKIDTEST', accessKeySecret: 'not-a-real-secret' }),
    retry: { tries: 1, baseMs: 1, maxMs: 1 },
  });
});
afterAll(() => standIn.close());

const TASKS = Array.from({ length: 250 }, (_, i) => ({
  id: 7000 + i,
  jobId: '10',
  status: i % 50 === 0 ? 'DATA_FAILED' : 'DONE',
}));

/** A ListMmsTasks that pages with its own rules. */
function serveTasks(o: {
  total: boolean;
  maxPageSize?: number;
  ignorePaging?: boolean;
  ignorePageNum?: boolean;
}) {
  standIn.handlers.set('ListMmsTasks', (q) => {
    const asked = Number(q.get('pageSize') ?? 20);
    const size = Math.min(asked, o.maxPageSize ?? Number.POSITIVE_INFINITY);
    const num = o.ignorePageNum ? 1 : Number(q.get('pageNum') ?? 1);
    const items = o.ignorePaging ? TASKS : TASKS.slice((num - 1) * size, num * size);
    return {
      body: {
        requestId: 'R',
        data: {
          objectList: items,
          ...(o.total ? { total: TASKS.length, pageNum: num, pageSize: size } : {}),
        },
      },
    };
  });
}

const everyTask = () => listAll((p) => client.listTasks(2000015, { jobId: 10, ...p }), { pageSize: 100 });

describe('paging against servers that page differently', () => {
  it('reads every item when the list carries no total', async () => {
    serveTasks({ total: false });
    const tasks = await everyTask();
    expect(tasks.map((t) => t.id)).toEqual(TASKS.map((t) => t.id));
  });

  it('reads every item when the server clamps pageSize (max 50) and reports the total', async () => {
    serveTasks({ total: true, maxPageSize: 50 });
    const tasks = await everyTask();
    expect(tasks).toHaveLength(250);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(250);
  });

  it('terminates, without duplicates, when the server ignores paging altogether', async () => {
    for (const total of [true, false]) {
      serveTasks({ total, ignorePaging: true });
      standIn.calls = [];
      const tasks = await everyTask();
      expect(tasks).toHaveLength(250);
      expect(standIn.calls.length).toBeLessThanOrEqual(2);
    }
  });

  it('terminates when the server ignores pageNum (the same page again and again)', async () => {
    serveTasks({ total: false, ignorePageNum: true });
    standIn.calls = [];
    const tasks = await everyTask();
    expect(tasks).toHaveLength(100);
    expect(standIn.calls.length).toBe(2);
  });
});

describe('status values in another case', () => {
  it('reads `done`, `failed` and `data_failed` as the statuses they name', async () => {
    standIn.handlers.set('GetMmsJob', () => ({
      body: { requestId: 'R', data: { id: '10', name: 'j', status: 'done' } },
    }));
    const job = await client.getJob(2000015, 10);
    expect(job.status).toBe('DONE');
    expect(isJobTerminal(job.status)).toBe(true);
    standIn.handlers.set('GetMmsTask', () => ({
      body: { requestId: 'R', data: { id: 7680, status: 'data_failed', running: false } },
    }));
    const task = await client.getTask(2000015, 7680);
    expect(isTaskFailed(task.status)).toBe(true);
  });
});

describe('async tasks', () => {
  it('an async task with running:false, no status and no error has ended well', async () => {
    standIn.handlers.set('GetMmsAsyncTask', () => ({
      body: { requestId: 'R', data: { id: 5521, type: 'TASK_CREATE', objectId: 10, running: false } },
    }));
    const t = await client.getAsyncTask(2000015, 5521);
    expect(asyncTaskState(t)).toBe('done');
    expect(asyncTaskState({ ...t, errorMsg: 'quota missing' })).toBe('failed');
    expect(asyncTaskState({ ...t, status: 'FAILED' })).toBe('failed');
    expect(asyncTaskState({ ...t, running: true })).toBe('running');
  });
});

describe('secrets in shapes the other tests do not plant', () => {
  const pem =
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n';

  it('masks a bearer token in a backend errorMsg', async () => {
    standIn.handlers.set('GetMmsDataSource', () => ({
      status: 500,
      body: {
        requestId: 'R',
        httpCode: 500,
        errorCode: 'InternalError',
        errorMsg: 'upstream call failed: Authorization: Bearer ya29.a0AfH6SMBxSecretBearerValue',
      },
    }));
    const err = await client.getDataSource(2000015).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MmsError);
    expect(String((err as Error).message)).not.toContain('ya29.a0AfH6SMBxSecretBearerValue');
  });

  it('masks a private key in a task log message, even in JSON that does not parse', async () => {
    const broken = `cannot read credentials {"type":"service_account","private_key_id":"3f9a0c1d2e","private_key":"${pem}`;
    standIn.handlers.set('ListMmsTaskLogs', () => ({
      body: { requestId: 'R', data: [{ id: 1, taskId: 7680, status: 'SCHEMA_FAILED', msg: broken }] },
    }));
    const logs = await client.listTaskLogs(2000015, 7680);
    const text = JSON.stringify(logs);
    expect(text).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7');
    expect(text).not.toContain('3f9a0c1d2e');
    expect(text).toContain('SCHEMA_FAILED');
  });

  it('masks the private key of a service-account JSON wherever it sits', () => {
    const sa = JSON.stringify({ type: 'service_account', private_key: pem, client_email: 'a@b.iam' });
    const out = JSON.stringify(redact({ config: [{ key: 'bigquery.sa.json', value: sa }] }));
    expect(out).not.toContain('MIIEvQ');
    expect(out).toContain('a@b.iam');
    expect(redactText(`see ${pem} above`)).not.toContain('MIIEvQ');
    expect(redactText('Bearer header missing')).toBe('Bearer header missing');
  });
});

describe('the official models, as their sample answers them', () => {
  it('a finished async task with "null" strings is done, not failed with "null"', async () => {
    standIn.handlers.set('GetMmsAsyncTask', () => ({
      body: {
        requestId: 'R',
        data: { id: 5521, objectId: 10, status: 'DONE', running: false, errorMsg: 'null', result: 'null' },
      },
    }));
    const t = await client.getAsyncTask(2000015, 5521);
    expect(t.errorMsg).toBeNull();
    expect(t.result).toBeNull();
    expect(asyncTaskState(t)).toBe('done');
    // The status decides: a message beside DONE does not make it a failure, and FAILED needs no message.
    expect(asyncTaskState({ ...t, errorMsg: 'warning: slow source' })).toBe('done');
    expect(asyncTaskState({ ...t, status: 'FAILED', errorMsg: null })).toBe('failed');
    expect(asyncTaskState({ ...t, status: 'DOING', running: true })).toBe('running');
    expect(asyncTaskState({ ...t, status: 'DOING', running: false })).toBe('failed');
  });

  it('"null", "" and whitespace are absent in every optional string; real text is kept', async () => {
    standIn.handlers.set('GetMmsFetchMetadataJob', () => ({
      body: {
        requestId: 'R',
        data: { id: 3, status: 'SCAN_DONE', errorMsg: ' ', result: 'null', endTime: 'null', startTime: '' },
      },
    }));
    const scan = await client.getFetchMetadataJob(2000015, 3);
    expect([scan.errorMsg, scan.result, scan.endTime, scan.startTime]).toEqual([null, null, null, null]);
    expect(scanState(scan)).toBe('done');
    expect(scanState({ ...scan, status: 'SCAN_DONE', errorMsg: 'a warning' })).toBe('done');
    expect(scanState({ ...scan, status: 'SCAN_FAILED', errorMsg: null })).toBe('failed');

    standIn.handlers.set('ListMmsDataSources', () => ({
      body: {
        requestId: 'R',
        data: {
          objectList: [
            { id: 1, name: 's', errMsg: 'null', scanStatus: 'null', scanErrMsg: 'null', dstProject: 'null' },
            { id: 2, name: 't', errMsg: 'agent lost', scanStatus: 'scan_failed', scanErrMsg: 'bad password' },
          ],
          pageNum: 1,
          pageSize: 20,
          total: 2,
        },
      },
    }));
    const [a, b] = (await client.listDataSources()).items;
    expect([a!.errMsg, a!.scanStatus, a!.scanErrMsg, a!.dstProject]).toEqual([null, null, null, null]);
    expect([b!.errMsg, b!.scanStatus, b!.scanErrMsg]).toEqual(['agent lost', 'SCAN_FAILED', 'bad password']);
  });

  it('a job and a task with only the models fields parse; eta is read, undeclared fields are absent', async () => {
    standIn.handlers.set('GetMmsJob', () => ({
      body: {
        requestId: 'R',
        data: {
          id: 10,
          name: 'j',
          status: 'DOING',
          stopped: false,
          taskNum: 2,
          taskDone: 1,
          createTime: '2025-06-03 10:12:45',
          eta: '2025-06-03 12:00:00',
          config: { tables: ['orders'], partitionFilters: { orders: "ds >= '20250101'" } },
        },
      },
    }));
    const job = await client.getJob(2000015, 10);
    expect(job.eta).toBe('2025-06-03 12:00:00');
    expect(job.startTime ?? null).toBeNull();
    expect(job.timerId ?? null).toBeNull();
    standIn.handlers.set('GetMmsTask', () => ({
      body: { requestId: 'R', data: { id: 7680, jobId: 10, status: 'DONE', running: false } },
    }));
    const task = await client.getTask(2000015, 7680);
    expect(task.partition ?? null).toBeNull();
    expect(isTaskFailed(task.status)).toBe(false);
  });

  it('config subItems are a map', async () => {
    standIn.handlers.set('ListMmsDataSourceConfigItems', () => ({
      body: {
        requestId: 'R',
        data: [
          {
            key: 'hive.auth',
            type: 'group',
            subItems: { 'hive.auth.type': 'LDAP', 'hive.auth.user': 'etl' },
          },
          { key: 'legacy', subItems: [{ key: 'a', value: 1 }] },
        ],
      },
    }));
    const [auth, legacy] = await client.listDataSourceConfigItems('HIVE');
    expect(auth!.subItems).toEqual({ 'hive.auth.type': 'LDAP', 'hive.auth.user': 'etl' });
    expect(legacy!.subItems).toEqual({ a: { key: 'a', value: 1 } });
  });
});
