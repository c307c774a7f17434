// Environment → typed config (CONTRACT.md). One error lists every missing or invalid variable and what it
// should hold; secret values are never echoed.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { REGION_IDS } from './mms/regions.js';

export const WRITE_OPERATIONS = [
  'scan',
  'migrate',
  'stop',
  'start',
  'retry',
  'delete',
  'retry-task',
  'schedule',
  'timer-pause',
  'timer-resume',
  'timer-run',
  'timer-delete',
] as const;
export type WriteOperation = (typeof WRITE_OPERATIONS)[number];

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const idList = (what: string, re: RegExp) =>
  z
    .string()
    .optional()
    .transform(list)
    .pipe(z.array(z.string().regex(re, `each entry must be a Slack ${what}`)));

const seconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const Schema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'required: the bot token (xoxb-…)' })
    .regex(/^xoxb-/, 'must start with xoxb-'),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must start with xapp-')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  METRICS_PORT: z.coerce
    .number({ error: 'must be a port number (0-65535)' })
    .int('must be a port number (0-65535)')
    .min(0, 'must be a port number (0-65535)')
    .max(65535, 'must be a port number (0-65535)')
    .default(9464),
  METRICS_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:_-]+$/, 'must be an interface address such as 127.0.0.1 or 0.0.0.0')
    .default('127.0.0.1'),
  SLACK_API_URL: z.url('must be a URL such as https://slack.com/api/').optional(),
  MMS_REGION: z.enum(REGION_IDS, { error: `required: one of ${REGION_IDS.join(', ')}` }),
  MMS_ENDPOINT: z.url('must be a URL such as https://maxcompute.cn-hangzhou.aliyuncs.com').optional(),
  MMS_NETWORK: z.enum(['public', 'vpc'], { error: 'must be public or vpc' }).default('public'),
  DATABASE_PATH: z.string().min(1).default('./data/mms-chatops.db'),
  MMS_OPERATORS: idList('user id (U…/W…) or user group id (S…)', /^[UWS][A-Z0-9]{2,}$/),
  MMS_SECOND_APPROVER_FOR: z
    .string()
    .default('delete,timer-delete')
    .transform(list)
    .pipe(
      z.array(
        z.enum(WRITE_OPERATIONS, { error: `each entry must be one of ${WRITE_OPERATIONS.join(', ')}` }),
      ),
    ),
  MMS_WRITE_CHANNELS: idList('channel id (C…/G…/D…)', /^[CGD][A-Z0-9]{2,}$/),
  MMS_NOTIFY_CHANNEL: z
    .string()
    .regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel id (C…)')
    .optional(),
  WATCH_INTERVAL_SECONDS: seconds(5, 3600).default(30),
  CONFIRM_TTL_SECONDS: seconds(30, 86_400).default(600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    port: number;
  };
  mms: { region: string; endpoint?: string; network: 'public' | 'vpc' };
  /** Where GET /metrics listens (its own port; loopback unless METRICS_HOST says otherwise). */
  metrics: { port: number; host: string };
  databasePath: string;
  operators: string[];
  secondApproverFor: WriteOperation[];
  writeChannels: string[] | null;
  notifyChannel?: string;
  watchIntervalSeconds: number;
  confirmTtlSeconds: number;
  logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(
      `mms-chatops cannot start: fix these environment variables:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** Reads `.env` from the working directory (without overriding the real environment). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  // Empty strings count as unset: `FOO=` in a .env file should fall back to the default.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const r = Schema.safeParse(cleaned);
  // Checked apart from the schema so it is reported together with every other problem.
  const modeProblem =
    cleaned['SLACK_APP_TOKEN'] || cleaned['SLACK_SIGNING_SECRET']
      ? []
      : ['SLACK_SIGNING_SECRET: required in HTTP mode (set it, or set SLACK_APP_TOKEN for Socket Mode)'];
  if (!r.success || modeProblem.length) {
    const problems = (r.success ? [] : r.error.issues).map((i) => {
      const name = String(i.path[0] ?? '?');
      // zod messages for our schema never include the input value, so secrets stay out.
      const msg =
        i.code === 'invalid_type' && cleaned[name] === undefined ? requiredText(i.message) : i.message;
      return `${name}: ${msg}`;
    });
    throw new ConfigError([...new Set([...problems, ...modeProblem])]);
  }
  const c = r.data;
  return {
    slack: {
      botToken: c.SLACK_BOT_TOKEN,
      signingSecret: c.SLACK_SIGNING_SECRET,
      appToken: c.SLACK_APP_TOKEN,
      apiUrl: c.SLACK_API_URL,
      port: c.PORT,
    },
    mms: { region: c.MMS_REGION, endpoint: c.MMS_ENDPOINT, network: c.MMS_NETWORK },
    metrics: { port: c.METRICS_PORT, host: c.METRICS_HOST },
    databasePath: c.DATABASE_PATH,
    operators: c.MMS_OPERATORS,
    secondApproverFor: c.MMS_SECOND_APPROVER_FOR,
    writeChannels: c.MMS_WRITE_CHANNELS.length ? c.MMS_WRITE_CHANNELS : null,
    notifyChannel: c.MMS_NOTIFY_CHANNEL,
    watchIntervalSeconds: c.WATCH_INTERVAL_SECONDS,
    confirmTtlSeconds: c.CONFIRM_TTL_SECONDS,
    logLevel: c.LOG_LEVEL,
  };
}

function requiredText(message: string): string {
  return message.startsWith('required') ? message : `required (${message})`;
}
