// The baseline for bench/runtime.ts: a bare Bolt app with the bot's receiver settings (HTTPReceiver, the
// signing secret, processBeforeResponse off, a /healthz route, the token checked once at start) that acks
// `/mms` and every button and does nothing else. Plain JavaScript under node, as the bot runs.
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const env = process.env;
const receiver = new HTTPReceiver({
  signingSecret: env.SLACK_SIGNING_SECRET,
  processBeforeResponse: false,
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      },
    },
  ],
  logLevel: LogLevel.WARN,
});
const app = new App({
  token: env.SLACK_BOT_TOKEN,
  deferInitialization: true,
  receiver,
  logLevel: LogLevel.WARN,
  clientOptions: { slackApiUrl: env.SLACK_API_URL },
});
app.command('/mms', async ({ ack }) => {
  await ack();
});
app.action(/.*/, async ({ ack }) => {
  await ack();
});
await app.init();
await app.start({ port: Number(env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => {
  app.stop().then(() => process.exit(0));
});
