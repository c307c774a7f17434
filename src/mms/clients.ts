// One MmsClient per region, built lazily: `--region` on any command picks one.
import { MmsClient } from './client.js';
import type { CredentialSource } from './credentials.js';
import { regionEndpoint } from './regions.js';
import type { CallInfo, RetryPolicy } from './transport.js';

export interface MmsClientsOptions {
  credentials: CredentialSource;
  /** MMS_ENDPOINT: used for every region; `{region}` in it is replaced by the region id. */
  endpointOverride?: string;
  /** Without an override: the public endpoint, or the VPC one (maxcompute-vpc.<region>.aliyuncs.com). */
  network?: 'public' | 'vpc';
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onCall?: (info: CallInfo & { region: string }) => void;
}

export type MmsClients = (region: string) => MmsClient;

export function createMmsClients(opts: MmsClientsOptions): MmsClients {
  const cache = new Map<string, MmsClient>();
  return (region) => {
    let client = cache.get(region);
    if (!client) {
      const endpoint = opts.endpointOverride
        ? opts.endpointOverride.replaceAll('{region}', region)
        : regionEndpoint(region, opts.network);
      client = new MmsClient(region, {
        endpoint,
        credentials: opts.credentials,
        timeoutMs: opts.timeoutMs,
        retry: opts.retry,
        sleep: opts.sleep,
        random: opts.random,
        onCall: opts.onCall ? (info) => opts.onCall?.({ ...info, region }) : undefined,
      });
      cache.set(region, client);
    }
    return client;
  };
}
