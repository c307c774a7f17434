// A local stand-in for Slack's Socket Mode server, as Slack documents the protocol: the app opens the URL that
// apps.connections.open gave it, is greeted with `hello`, receives envelopes (`slash_commands`,
// `interactive`, `events_api`) and acknowledges each by sending back its `envelope_id`, with a payload for
// what it answers at once.
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { SlackClient, type SlackClientOpts, type SlackReply } from './slack-requests.js';

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface SocketModeStandIn {
  /** `ws://127.0.0.1:<port>/link`: what apps.connections.open hands the app. */
  url: string;
  /** Resolves once an app is connected and greeted. */
  connected(timeoutMs?: number): Promise<void>;
  /** Sends an envelope to the connected app; resolves with its ack (rejects when none comes in time). */
  send(type: string, payload: unknown, timeoutMs?: number): Promise<Ack>;
  /** Sends a text frame as it is (a message that is not an envelope). */
  sendRaw(text: string): void;
  close(): Promise<void>;
}

export async function startSocketMode(): Promise<SocketModeStandIn> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/link' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  let app: WebSocket | null = null;
  const waiting = new Map<string, (a: Ack) => void>();
  let seq = 0;

  server.on('connection', (ws) => {
    app = ws;
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data)) as Ack;
      waiting.get(ack.envelope_id)?.(ack);
      waiting.delete(ack.envelope_id);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'applink-standin', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0MMSAPP01' },
      }),
    );
  });

  const open = (): WebSocket => {
    if (!app || app.readyState !== app.OPEN) throw new Error('no app is connected to Socket Mode');
    return app;
  };

  return {
    url: `ws://127.0.0.1:${port}/link`,
    async connected(timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (!app || app.readyState !== app.OPEN) {
        if (Date.now() > end) throw new Error('no app connected to Socket Mode in time');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    send(type, payload, timeoutMs = 5000) {
      const envelope_id = `env-${++seq}`;
      return new Promise<Ack>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(envelope_id);
          reject(new Error(`no ack for ${type} envelope ${envelope_id} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(envelope_id, (a) => {
          clearTimeout(timer);
          resolve(a);
        });
        open().send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: true }));
      });
    },
    sendRaw(text) {
      open().send(text);
    },
    close() {
      for (const c of server.clients) c.terminate();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The test client's commands and clicks, delivered as Socket Mode envelopes instead of signed HTTP requests:
 * the same fields and payloads. A reply is the app's ack: status 200 once it came, its payload as the body
 * (`{}` when it carried none).
 */
export class SocketModeSlack extends SlackClient {
  constructor(
    private readonly link: SocketModeStandIn,
    api: SlackClientOpts['api'],
  ) {
    super({ baseUrl: link.url, signingSecret: '', api });
  }

  protected override async deliver(
    kind: 'command' | 'interactive',
    content: Record<string, unknown>,
    extra: { responseUrl?: string; triggerId?: string },
  ): Promise<SlackReply> {
    const ack = await this.link.send(kind === 'command' ? 'slash_commands' : 'interactive', content);
    return { status: 200, body: ack.payload ?? {}, headers: new Headers(), ...extra };
  }
}
