// Who and where in the sandbox workspace: the users you can act as, the channel, the bot.
import { CHANNEL, TEAM } from './slack-client.js';

export interface SandboxUser {
  id: string;
  name: string;
  role: 'operator' | 'viewer';
}

export const USERS: readonly SandboxUser[] = [
  { id: 'U0OPS00001', name: 'alice', role: 'operator' },
  { id: 'U0OPS00002', name: 'bob', role: 'operator' },
  { id: 'U0VIEW0001', name: 'carol', role: 'viewer' },
];

export const USER_IDS = USERS.map((u) => u.id) as [string, ...string[]];
export const OPERATORS = USERS.filter((u) => u.role === 'operator').map((u) => u.id);

export const SANDBOX_CHANNEL = { id: CHANNEL, name: 'data-migrations' } as const;
export const SANDBOX_TEAM = { id: TEAM, name: 'Example Data Team' } as const;
export const BOT = { userId: 'U0BOT00001', botId: 'B0BOT00001', name: 'mms' } as const;

export function userById(id: string): SandboxUser | undefined {
  return USERS.find((u) => u.id === id);
}

/** `alice (operator)`. */
export function label(u: SandboxUser): string {
  return `${u.name} (${u.role})`;
}
