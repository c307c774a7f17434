import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type MmsSimulator, startSimulator } from '../../src/sim/index.js';
import { contentMd5, sign, stringToSign } from '../../src/sim/signature.js';
import { client, type Json } from './helpers.js';

let sim: MmsSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const list = ['ListMmsDataSources', 'GET', '/datasources'] as const;

/** A hand-signed request, for what pop-core cannot be made to send (replays, bad md5, odd headers). */
function rawCall(
  s: MmsSimulator,
  opts: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    md5?: string;
    nonce?: string;
  },
): Promise<{ status: number; body: Json }> {
  const body = Buffer.from(opts.body ?? '');
  const headers: Record<string, string> = {
    accept: 'application/json',
    date: new Date().toUTCString(),
    'x-acs-signature-nonce': opts.nonce ?? `n-${Math.random()}`,
    'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-version': '1.0',
    'x-acs-version': '2022-01-04',
    'content-md5': opts.md5 ?? contentMd5(body),
    ...opts.headers,
  };
  const method = opts.method ?? 'GET';
  const [path = '', qs = ''] = opts.path.split('?');
  const query = Object.fromEntries(new URLSearchParams(qs));
  const signature = sign(s.credentials.accessKeySecret, stringToSign(method, path, headers, query));
  headers['authorization'] = `acs ${s.credentials.accessKeyId}:${signature}`;
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}${opts.path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('gateway checks', () => {
  it('accepts a call signed by pop-core and answers the success envelope', async () => {
    sim = await startSimulator();
    const res = await client(sim).ok(...list);
    expect(res.requestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(res.data.objectList.map((s: { name: string }) => s.name)).toEqual([
      'hive-prod',
      'bq-analytics',
      'mc-legacy',
      'hive-staging',
    ]);
  });

  it('verifies signatures over decoded query values, including spaces, ampersands and arrays', async () => {
    sim = await startSimulator();
    const api = client(sim);
    const hit = await api.ok('ListMmsDataSources', 'GET', '/datasources', {
      name: 'hive-prod',
      type: 'HIVE',
    });
    expect(hit.data.total).toBe(1);
    const none = await api.ok('ListMmsDataSources', 'GET', '/datasources', { name: 'a b&c=d/é%' });
    expect(none.data.total).toBe(0);
    // pop-core signs an array as "a,b" and sends k=a&k=b; the simulator signs what arrived the same way.
    const arr = await api.ok('ListMmsDataSources', 'GET', '/datasources', { name: ['hive', 'prod'] });
    expect(arr.data.total).toBe(0);
  });

  it('rejects a wrong secret with SignatureDoesNotMatch in the gateway shape', async () => {
    sim = await startSimulator();
    const err = await client(sim, { accessKeySecret: 'not-the-secret' }).fail(...list);
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(Object.keys(err.result).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
    expect(err.result.HostId).toBe('maxcompute.cn-hangzhou.aliyuncs.com');
  });

  it('rejects an unknown AccessKey id with 404 InvalidAccessKeyId.NotFound', async () => {
    sim = await startSimulator();
    const err = await client(sim, { accessKeyId: 'LTAI5tNobodyKnowsThisKey' }).fail(...list);
    expect([err.statusCode, err.code]).toEqual([404, 'InvalidAccessKeyId.NotFound']);
  });

  it('rejects a request dated more than 15 minutes off the simulator clock', async () => {
    sim = await startSimulator({ now: () => Date.now() + 3600_000 });
    const err = await client(sim).fail(...list);
    expect([err.statusCode, err.code]).toEqual([400, 'RequestTimeTooSkewed']);
  });

  it('checks the API version header', async () => {
    sim = await startSimulator();
    const err = await client(sim, { apiVersion: '2019-06-12' }).fail(...list);
    expect([err.statusCode, err.code]).toEqual([400, 'InvalidVersion']);
    const missing = await rawCall(sim, { path: '/api/v1/mms/datasources', headers: { 'x-acs-version': '' } });
    expect([missing.status, missing.body.Code]).toEqual([400, 'MissingParameter.Version']);
  });

  it('requires x-acs-action and that it names the action the path resolves to', async () => {
    sim = await startSimulator();
    const api = client(sim);
    const missing = await api.fail(null, 'GET', '/datasources');
    expect([missing.statusCode, missing.code]).toEqual([400, 'InvalidParameter.Action']);
    const wrong = await api.fail('GetMmsDataSource', 'GET', '/datasources');
    expect([wrong.statusCode, wrong.code]).toEqual([400, 'InvalidParameter.Action']);
    // DeleteMmsJob is a POST to the job path; a DELETE there is not an API at all.
    const route = await api.fail('DeleteMmsJob', 'DELETE', '/datasources/2000015/jobs/1');
    expect([route.statusCode, route.code]).toEqual([404, 'InvalidAction.NotFound']);
  });

  it('requires the STS token when STS credentials are configured', async () => {
    sim = await startSimulator({ accessKeyId: 'STS.NUgYrLnoC37m', securityToken: 'CAIS-token-1' });
    expect((await client(sim).ok(...list)).data.total).toBe(4);
    const wrong = await client(sim, { securityToken: 'CAIS-stale' }).fail(...list);
    expect([wrong.statusCode, wrong.code]).toEqual([400, 'InvalidSecurityToken.Expired']);
    const none = await client(sim, { securityToken: undefined }).fail(...list);
    expect([none.statusCode, none.code]).toEqual([400, 'InvalidSecurityToken.Missing']);
  });

  it('refuses a replayed nonce and a body that does not match content-md5', async () => {
    sim = await startSimulator();
    const path = '/api/v1/mms/datasources';
    const headers = { 'x-acs-action': 'ListMmsDataSources' };
    expect((await rawCall(sim, { path, headers, nonce: 'fixed-nonce' })).status).toBe(200);
    const replay = await rawCall(sim, { path, headers, nonce: 'fixed-nonce' });
    expect([replay.status, replay.body.Code]).toEqual([400, 'SignatureNonceUsed']);
    const md5 = await rawCall(sim, { path, headers, md5: contentMd5(Buffer.from('other')) });
    expect([md5.status, md5.body.Code]).toEqual([400, 'ContentMD5NotMatched']);
  });

  it('requires application/json on a POST body', async () => {
    sim = await startSimulator();
    const res = await rawCall(sim, {
      method: 'POST',
      path: '/api/v1/mms/datasources/2000015/scans',
      headers: { 'x-acs-action': 'CreateMmsFetchMetadataJob', 'content-type': 'text/plain' },
      body: '{}',
    });
    expect([res.status, res.body.errorCode]).toEqual([400, 'InvalidParameter.ContentType']);
  });
});
