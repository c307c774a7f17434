// MMS client overhead: a signed, parsed, redacted ListMmsJobs through pop-core against the simulator,
// against an unsigned fetch of the same simulator's admin endpoint (raw loopback HTTP).
import { MmsClient } from '../src/mms/client.js';
import { staticCredentials } from '../src/mms/credentials.js';
import { startSimulator } from '../src/sim/index.js';
import { report, time } from './measure.js';

export async function benchClient(): Promise<void> {
  const sim = await startSimulator({ seed: 1 });
  try {
    const c = new MmsClient('cn-hangzhou', {
      endpoint: sim.url,
      credentials: staticCredentials(sim.credentials),
    });
    const sid = (await c.listDataSources({ name: 'hive-prod' })).items[0]!.id;
    const raw = await time('raw fetch GET /__sim/calls (loopback HTTP)', async () => {
      sim.resetCalls();
      await (await fetch(`${sim.url}/__sim/calls`)).text();
    });
    report('MMS client per call', raw, [
      await time('client.listJobs (sign, send, parse, zod, redact)', () => c.listJobs(sid, { pageSize: 20 })),
      await time('client.getDataSource withConfig', () => c.getDataSource(sid, { withConfig: true })),
      await time('client.listTables 100 rows', () => c.listTables(sid, { dbName: 'sales', pageSize: 100 })),
    ]);
  } finally {
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchClient();
