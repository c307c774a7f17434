// What counts toward a flood (Slack requests arriving 50 a second or more, which slows the work after the
// acks): only requests signed with the signing secret. Unsigned ones are refused and cannot slow anyone's work.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { guardedReceiver } from '../../src/slack/receiver.js';
import { AckGauge } from '../../src/slack/work-queue.js';
import { FORM, sign } from '../helpers/slack-requests.js';

const SECRET = 'receiver-flood-secret';

describe('the flood gauge behind the request guard', () => {
  it('counts signed requests and not unsigned ones, and holds none in hand once all are answered', async () => {
    const acks = new AckGauge(() => 1_000_000); // one second of the clock: nothing rolls over mid-test
    const receiver = guardedReceiver(
      { signingSecret: SECRET, processBeforeResponse: false },
      { log: pino({ level: 'silent' }), acks },
    );
    const app = new App({
      receiver,
      authorize: async () => ({ botToken: 'xoxb-test', botId: 'B0TEST0001', botUserId: 'U0BOT00001' }),
    });
    app.command('/mms', async ({ ack }) => ack());
    const server = createServer(receiver.requestListener);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    const post = (signature: (ts: number, body: string) => string) => {
      const body = new URLSearchParams({
        token: 'x',
        team_id: 'T0TEAM0001',
        channel_id: 'C0DATA0001',
        user_id: 'U0OPS00001',
        command: '/mms',
        text: 'help',
        api_app_id: 'A0MMSAPP01',
        response_url: 'http://127.0.0.1:9/hooks/1',
        trigger_id: '1.2.3',
      }).toString();
      const ts = Math.floor(Date.now() / 1000);
      return fetch(url, {
        method: 'POST',
        headers: {
          'content-type': FORM,
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature(ts, body),
        },
        body,
      }).then((r) => r.status);
    };
    try {
      const forged = await Promise.all([1, 2, 3].map(() => post(() => `v0=${'0'.repeat(64)}`)));
      expect(forged).toEqual([401, 401, 401]);
      expect(acks.perSecond).toBe(0);
      const signed = await Promise.all([1, 2].map(() => post((ts, body) => sign(SECRET, ts, body))));
      expect(signed).toEqual([200, 200]);
      expect(acks.perSecond).toBe(2);
      await expect.poll(() => acks.pending).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
