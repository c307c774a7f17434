// Drive the simulator exactly as MMS.md §2.2 shows: pop-core's ROAClient, JSON body, x-acs-action header.
import PopCore from '@alicloud/pop-core';
import type { MmsSimulator } from '../../src/sim/index.js';

interface RoaConfig {
  endpoint: string;
  apiVersion: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}
interface RoaClient {
  request(
    method: string,
    path: string,
    query?: Record<string, unknown>,
    body?: string,
    headers?: Record<string, string>,
    opts?: Record<string, unknown>,
  ): Promise<unknown>;
}
// pop-core ships types for RPCClient only; ROAClient is the same module's `ROAClient` property.
const { ROAClient } = PopCore as unknown as { ROAClient: new (config: RoaConfig) => RoaClient };

/** Response JSON in tests: its shape is what the assertions check. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
export type Json = any;

export interface Envelope<T = Json> {
  requestId: string;
  data: T;
}

export interface CallError {
  statusCode: number;
  code: string;
  result: Json;
}

export function client(sim: MmsSimulator, overrides: Partial<RoaConfig> = {}) {
  const c = new ROAClient({ endpoint: sim.url, apiVersion: '2022-01-04', ...sim.credentials, ...overrides });
  const call = (
    action: string | null,
    method: string,
    path: string,
    query: Record<string, unknown> = {},
    body?: unknown,
  ): Promise<unknown> => {
    const headers: Record<string, string> = {};
    if (action) headers['x-acs-action'] = action;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? '' : JSON.stringify(body);
    return c.request(method, `/api/v1/mms${path}`, query, payload, headers, { timeout: 5000 });
  };
  return {
    raw: c,
    call,
    /** A successful call's envelope. */
    ok: async <T = Json>(...args: Parameters<typeof call>): Promise<Envelope<T>> =>
      (await call(...args)) as Envelope<T>,
    /** A call that must fail: pop-core's error fields. */
    fail: async (...args: Parameters<typeof call>): Promise<CallError> => {
      try {
        await call(...args);
      } catch (e) {
        const err = e as CallError;
        return { statusCode: err.statusCode, code: err.code, result: err.result };
      }
      throw new Error(`${args[0]} ${args[2]} did not fail`);
    },
  };
}

export type Client = ReturnType<typeof client>;

/** A source with two small dbs, for exact lifecycle tests without demo noise. */
export function addShop(sim: MmsSimulator): number {
  return sim.addSource({
    name: 'shop',
    type: 'HIVE',
    dbs: [
      {
        name: 'shop',
        tables: [
          { name: 'orders', numRows: 5000, partitions: ['ds=20250101', 'ds=20250102', 'ds=20250103'] },
          { name: 'customers', numRows: 800 },
          { name: 'products', numRows: 120 },
        ],
      },
      { name: 'empty_db', tables: [] },
    ],
  });
}

/** Poll-free async completion: step until the async task is settled and return the job id. */
export async function createJob(api: Client, sim: MmsSimulator, sid: number, body: Record<string, unknown>) {
  const created = await api.ok('CreateMmsJob', 'POST', `/datasources/${sid}/jobs`, {}, body);
  const asyncTaskId = created.data.asyncTaskId as number;
  sim.step(2);
  const at = await api.ok('GetMmsAsyncTask', 'GET', `/datasources/${sid}/asyncTasks/${asyncTaskId}`);
  return at.data.objectId as number;
}
