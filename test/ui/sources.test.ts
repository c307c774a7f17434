import { describe, expect, it } from 'vitest';
import { DataSource, Scan } from '../../src/mms/schemas.js';
import { sourceMessage, sourcesMessage } from '../../src/ui/sources.js';
import { ctx, offCtx, pager, source } from './fixtures.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, buttons, runCommands, textOf } from './limits.js';

describe('sourcesMessage', () => {
  it('lists sources with drill-down buttons by id', () => {
    const m = sourcesMessage([source], pager('sources', 1, 20, 1), ctx);
    assertWithinLimits(m);
    expect(textOf(m)).toContain('hive-prod');
    expect(runCommands(m)).toContain('source 2000015');
    expect(textOf(m)).toContain('https://maxcompute.console.aliyun.com/cn-hangzhou/mma/datasource');
  });
  it('escapes names and error messages; stays in limits with 2000 sources', () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      DataSource.parse({
        ...source,
        id: i + 1,
        name: `${INJECT} ${i}`,
        errMsg: INJECT,
        agentIsOnline: false,
      }),
    );
    const m = sourcesMessage(many, pager('sources', 1, 2000, 2000), ctx);
    assertWithinLimits(m);
    expectNoInjection(m);
    expect(textOf(m)).toMatch(/Showing \d+ of the 2,000 on this page/);
  });
  it("shows the last scan's state from the list, and its error when the scan failed", () => {
    const failed = DataSource.parse({
      ...source,
      scanStatus: 'SCAN_FAILED',
      scanErrMsg: `no route ${INJECT}`,
    });
    const running = DataSource.parse({ ...source, id: 2, scanStatus: 'SCAN_DOING', scanErrMsg: 'null' });
    const done = DataSource.parse({ ...source, id: 3, scanStatus: 'SCAN_DONE', scanErrMsg: 'null' });
    const m = sourcesMessage([failed, running, done], pager('sources', 1, 20, 3), ctx);
    expectNoInjection(m);
    const t = textOf(m);
    expect(t).toContain('last scan failed');
    expect(t).toContain('scan: no route');
    expect(t).toContain('scanning');
    expect(t.match(/last scan failed/g)).toHaveLength(1);
    expect(t).not.toMatch(/\bnull\b/);
  });
});

describe('sourceMessage', () => {
  it('shows status, agent, counts, mapping, config and the console link', () => {
    const m = sourceMessage(source, ctx);
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('STARTED');
    expect(t).toContain('agent online');
    expect(t).toContain('mc_sales');
    expect(t).toContain('75 tables');
    expect(t).toContain('41 tables done');
    expect(t).toContain('hive.metastore.password = ********');
    expect(t).toContain('mc.default.project = mc_sales');
    expect(t).toContain('Data sources and target mappings are managed in the console');
    expect(t).toContain('https://maxcompute.console.aliyun.com/cn-hangzhou/mma/datasource');
  });
  it('has Databases, Jobs, Timers, Scan and Migrate buttons by id', () => {
    expect(runCommands(sourceMessage(source, ctx))).toEqual([
      'dbs 2000015',
      'jobs 2000015',
      'timers 2000015',
      'scan 2000015',
      'migrate 2000015',
    ]);
  });
  it('appends --region off the default region, and links that region’s console', () => {
    const m = sourceMessage(source, offCtx);
    for (const c of runCommands(m)) expect(c.endsWith(' --region cn-shanghai')).toBe(true);
    expect(textOf(m)).toContain('/cn-shanghai/mma/datasource');
  });
  it('shows errors and scan errors escaped; masks secrets it is handed by mistake', () => {
    const s = DataSource.parse({
      ...source,
      name: INJECT,
      agentIsOnline: false,
      errMsg: `agent lost ${INJECT}`,
      config: [
        { key: 'hive.user', value: INJECT },
        { key: 'oss.access_key_id', value: 'LTAI5tAbCdEfGhIjKlMn' },
        { key: 'nested', value: 'x', subItems: [{ key: 'sub.password', value: 'hunter2' }] },
        { key: 'hive.auth', value: 'LDAP', subItems: { 'ldap.user': 'etl', 'ldap.password': 'hunter3' } },
      ],
    });
    const scan = Scan.parse({ id: 311, status: 'SCAN_FAILED', errorMsg: `cannot connect ${INJECT}` });
    const m = sourceMessage(s, ctx, scan);
    assertWithinLimits(m);
    expectNoInjection(m);
    const t = textOf(m);
    expect(t).toContain('agent offline');
    expect(t).toContain('SCAN_FAILED');
    expect(t).toContain('cannot connect');
    expect(t).not.toContain('LTAI5tAbCdEfGhIjKlMn');
    expect(t).not.toContain('hunter2');
    expect(t).not.toContain('hunter3');
    expect(t).toContain('ldap.user = etl');
    expect(t).toContain('#311');
  });
  it('buttons are unique within their block', () => {
    const ids = buttons(sourceMessage(source, ctx)).map((b) => b.actionId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
