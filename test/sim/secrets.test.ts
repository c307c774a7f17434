import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MmsSimulator, PLANTED_SECRETS, SECRETS, startSimulator } from '../../src/sim/index.js';
import { client, type Json } from './helpers.js';

let sim: MmsSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const ids = { hive: 2000015, bq: 2000016, legacy: 2000017 };

describe('planted secrets', () => {
  it('are all returned in plaintext by the endpoints that really leak them', async () => {
    const api = client(sim);
    const bodies: string[] = [];
    for (const sid of Object.values(ids)) {
      bodies.push(
        JSON.stringify(
          await api.ok('GetMmsDataSource', 'GET', `/datasources/${sid}`, { withConfig: 'true' }),
        ),
      );
    }
    bodies.push(
      JSON.stringify(await api.ok('GetMmsFetchMetadataJob', 'GET', `/datasources/${ids.legacy}/scans/303`)),
    );
    const all = bodies.join('\n');
    for (const secret of PLANTED_SECRETS) expect(all).toContain(secret);
  });

  it('come in the shapes redaction must handle', async () => {
    const api = client(sim);
    const config = async (sid: number) =>
      (await api.ok('GetMmsDataSource', 'GET', `/datasources/${sid}`, { withConfig: 'true' })).data
        .config as Json[];
    const hive = await config(ids.hive);
    const item = (key: string) => hive.find((c) => c.key === key);
    expect(item('hive.metastore.password').value).toBe(SECRETS.hiveMetastorePassword);
    expect(item('mc.endpoint.owner').value).toMatch(/^LTAI[0-9A-Za-z]{16,}$/);
    expect(JSON.parse(item('hive.jdbc.properties').value)).toMatchObject({
      password: SECRETS.hiveJdbcPassword,
    });
    expect(item('hive.auth').subItems['hive.auth.ldap.password'].value).toBe(SECRETS.hiveLdapPassword);
    const bq = await config(ids.bq);
    expect(bq.find((c) => c.key === 'bigquery.token').value).toBe(SECRETS.bigqueryToken);
    const group = bq.find((c) => c.key === 'bigquery.service.account.secret');
    expect(group.subItems['private_key_id'].value).toBe(SECRETS.bigqueryPrivateKeyId);
    const legacy = await config(ids.legacy);
    expect(legacy.find((c) => c.key === 'mc.access.id').value).toBe(SECRETS.legacyAccessKeyId);
    expect(legacy.find((c) => c.key === 'mc.access.key').value).toBe(SECRETS.legacyAccessKeySecret);
    const sources = (await api.ok('ListMmsDataSources', 'GET', '/datasources')).data.objectList;
    expect(sources.find((s: Json) => s.id === ids.legacy).scanErrMsg).toContain(SECRETS.legacyOldAccessKeyId);
  });

  it('stay out of responses without withConfig, except the free-text scan error', async () => {
    const api = client(sim);
    const plain = JSON.stringify(await api.ok('GetMmsDataSource', 'GET', `/datasources/${ids.hive}`));
    expect(plain).not.toContain('config');
    for (const secret of PLANTED_SECRETS) expect(plain).not.toContain(secret);
  });
});
