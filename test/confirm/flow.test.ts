// The confirmation flow as data: a stored plan runs once, only for someone allowed, only before it expires,
// and not at all when MMS changed since the card was shown. Real SQLite, the simulator, a pinned clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findWrite } from '../../src/operations/catalog.js';
import { CHANNEL, type Core, OPERATOR, OPERATOR2, startCore } from '../core/world.js';

const HIVE_ID = 2000015;
const VIEWER = 'U0VIEW0001';

let core: Core;
beforeEach(async () => {
  core = await startCore();
});
afterEach(async () => {
  await core.close();
});

const CARD_TS = '1795600000.000100';
/** Where the card was posted: a click counts only from there. */
const onCard = { channel: CHANNEL, messageTs: CARD_TS };

const request = async (op: string, params: Record<string, string>, user = OPERATOR) => {
  const r = await core.flow.request(core.ctx(user), findWrite(op)!, params);
  if (r.created) core.services.confirmations.setMessage(r.confirmation.id, CARD_TS);
  return r;
};
const approve = (id: string, user = OPERATOR, from = onCard) =>
  core.flow.approve(id, user, from, () => core.ctx(user));
const writes = () => core.sim.calls.filter((c) => !/^(Get|List)/.test(c.action)).map((c) => c.action);

describe('request', () => {
  it('stores one pending write per job: asking twice returns the first', async () => {
    const a = await request('stop', { source: 'hive-prod', job: '3' });
    const b = await request('stop', { source: 'hive-prod', job: '3' }, OPERATOR2);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.confirmation.id).toBe(a.confirmation.id);
    expect(a.confirmation.state).toBe('pending');
    expect(writes()).toEqual([]);
  });
});

describe('approve', () => {
  it('runs once however many clicks arrive together', async () => {
    const { confirmation } = await request('stop', { source: 'hive-prod', job: '3' });
    const results = await Promise.all([
      approve(confirmation.id, OPERATOR),
      approve(confirmation.id, OPERATOR2),
      approve(confirmation.id, OPERATOR),
    ]);
    expect(results.filter((r) => r.kind === 'finished')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'settled')).toHaveLength(2);
    expect(writes()).toEqual(['StopMmsJob']);
    expect(core.services.confirmations.get(confirmation.id)?.state).toBe('done');
  });

  it('a click that claims another channel or another message runs nothing', async () => {
    const { confirmation } = await request('stop', { source: 'hive-prod', job: '3' });
    for (const from of [
      { channel: 'C0ELSEWHERE', messageTs: CARD_TS },
      { channel: CHANNEL, messageTs: '1795600000.000999' },
    ]) {
      expect((await approve(confirmation.id, OPERATOR, from)).kind).toBe('rejected');
    }
    expect(core.services.confirmations.get(confirmation.id)?.state).toBe('pending');
    expect(writes()).toEqual([]);
  });

  it('a viewer is rejected and the card stays pending', async () => {
    const { confirmation } = await request('stop', { source: 'hive-prod', job: '3' });
    const r = await approve(confirmation.id, VIEWER);
    expect(r.kind).toBe('rejected');
    expect(core.services.confirmations.get(confirmation.id)?.state).toBe('pending');
    expect(writes()).toEqual([]);
  });

  it('past its expiry nothing runs, whoever clicks', async () => {
    const { confirmation } = await request('stop', { source: 'hive-prod', job: '3' });
    core.clock.now += core.services.config.confirmTtlSeconds * 1000 + 1;
    const r = await approve(confirmation.id);
    expect(r.kind).toBe('settled');
    expect(core.services.confirmations.get(confirmation.id)?.state).toBe('expired');
    expect(writes()).toEqual([]);
  });

  it('a delete needs a second operator: the requester alone cannot run it', async () => {
    const { confirmation } = await request('delete', { source: 'hive-prod', job: '1' });
    expect(confirmation.secondApprover).toBe(true);
    const own = await approve(confirmation.id, OPERATOR);
    expect(own.kind).toBe('rejected');
    expect(writes()).toEqual([]);
    const other = await approve(confirmation.id, OPERATOR2);
    expect(other.kind).toBe('finished');
    expect(writes()).toEqual(['DeleteMmsJob']);
  });

  it('when MMS changed since the card, it ends as changed, says what, and runs nothing', async () => {
    const { confirmation } = await request('stop', { source: 'hive-prod', job: '3' });
    await core.ctx().mms.stopJob(HIVE_ID, 3);
    const before = writes().length;
    const r = await approve(confirmation.id);
    expect(r.kind).toBe('finished');
    const c = core.services.confirmations.get(confirmation.id)!;
    expect(c.state).toBe('changed');
    expect(c.outcome).toMatch(/stopped/);
    expect(writes()).toHaveLength(before);
  });

  it('the audit log records who asked, who confirmed and what ran', async () => {
    const { confirmation } = await request('stop', { source: 'hive-prod', job: '3' });
    await approve(confirmation.id, OPERATOR2);
    const actions = core.services.audit
      .latest(10)
      .filter((e) => e.confirmationId === confirmation.id)
      .map((e) => `${e.action}:${e.user}`)
      .sort();
    expect(actions).toEqual([`confirmed:${OPERATOR2}`, `ran:${OPERATOR2}`, `requested:${OPERATOR}`].sort());
  });
});

describe('cancel', () => {
  it('the requester cancels; nothing runs and a later confirm finds it settled', async () => {
    const { confirmation } = await request('stop', { source: 'hive-prod', job: '3' });
    expect((await core.flow.cancel(confirmation.id, OPERATOR, onCard)).kind).toBe('finished');
    expect((await approve(confirmation.id, OPERATOR2)).kind).toBe('settled');
    expect(core.services.confirmations.get(confirmation.id)?.state).toBe('cancelled');
    expect(writes()).toEqual([]);
  });
});
