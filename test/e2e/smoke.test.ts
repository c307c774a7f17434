import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, textOf } from '../helpers/bot.js';

describe('smoke', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers /mms sources in the ack', async () => {
    const r = await h.slack.command('sources');
    expect(r.status).toBe(200);
    expect(textOf(r.body)).toContain('hive-prod');
  });

  it('help', async () => {
    const r = await h.slack.command('help');
    expect(textOf(r.body)).toContain('migrate');
  });
});
