// The core without a front door: the simulator, a real SQLite file, the stores, authorization and the
// confirmation flow, wired as bot.ts wires them but with no Slack app. For unit tests of operations/ and
// confirm/ that assert data, not Block Kit.
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import type { ConfirmFlow } from '../../src/confirm/flow.js';
import { buildCore } from '../../src/core.js';
import { createMmsClients } from '../../src/mms/clients.js';
import { staticCredentials } from '../../src/mms/credentials.js';
import type { OpContext } from '../../src/operations/types.js';
import type { Services } from '../../src/services.js';
import { type MmsSimulator, type SimOptions, startSimulator } from '../../src/sim/index.js';
import { type Db, openDb } from '../../src/store/db.js';
import { renderContext } from '../../src/ui/types.js';
import { OPERATOR, OPERATOR2 } from '../helpers/bot.js';
import { tempDir } from '../helpers/tmp.js';

export const REGION = 'cn-hangzhou';
export const CHANNEL = 'C0CORE0001';
export { OPERATOR, OPERATOR2 };

export interface Core {
  sim: MmsSimulator;
  db: Db;
  services: Services;
  flow: ConfirmFlow;
  /** The clock every part reads; tests move it. */
  clock: { now: number };
  ctx(user?: string, channel?: string): OpContext;
  close(): Promise<void>;
}

export async function startCore(
  env: Record<string, string> = {},
  simOptions: Omit<SimOptions, 'seed'> = {},
): Promise<Core> {
  const sim = await startSimulator({ ...simOptions, seed: 7 });
  const tmp = tempDir();
  const clock = { now: Date.parse('2026-11-20T02:00:00Z') };
  const now = () => clock.now;
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'unused',
    MMS_REGION: REGION,
    MMS_ENDPOINT: sim.url,
    DATABASE_PATH: join(tmp.dir, 'core.db'),
    MMS_OPERATORS: `${OPERATOR},${OPERATOR2}`,
    ...env,
  });
  const db = openDb(config.databasePath);
  const credentials = staticCredentials(sim.credentials);
  const { services, flow } = buildCore({
    config,
    db,
    clients: createMmsClients({
      credentials,
      endpointOverride: config.mms.endpoint,
      network: config.mms.network,
      retry: { tries: 1, baseMs: 1, maxMs: 1 },
    }),
    credentials,
    groupMembers: async () => [],
    now,
  });
  return {
    sim,
    db,
    services,
    flow,
    clock,
    ctx(user = OPERATOR, channel = CHANNEL) {
      const at = new Date(clock.now);
      return {
        mms: services.clients(REGION),
        region: REGION,
        defaultRegion: REGION,
        user,
        channel,
        now: at,
        render: renderContext(REGION, REGION, at),
        services,
      };
    },
    async close() {
      db.close();
      await sim.close();
      tmp.cleanup();
    },
  };
}
