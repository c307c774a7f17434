// Talking to a running sandbox over HTTP, as its page does.
import type { TimelineItem, TimelineMessage, UserState } from '../../src/sandbox/workspace.js';

export const ALICE = 'U0OPS00001';
export const BOB = 'U0OPS00002';
export const CAROL = 'U0VIEW0001';

export type State = UserState & { ok: boolean };

export async function post(
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function state(url: string, user: string): Promise<State> {
  const res = await fetch(new URL(`/api/state?user=${user}`, url));
  if (res.status !== 200) throw new Error(`state: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as State;
}

/** Polls `find` on the user's state until it returns something (the bot answers asynchronously). */
export async function waitForState<T>(
  url: string,
  user: string,
  find: (s: State) => T | undefined | null | false,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: State | undefined;
  while (Date.now() < deadline) {
    last = await state(url, user);
    const hit = find(last);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; timeline was:\n${summary(last)}`);
}

export const text = (v: unknown): string => JSON.stringify(v ?? null);

export const messages = (s: State): TimelineMessage[] =>
  s.timeline.filter((i): i is TimelineMessage => i.kind === 'message');

export const ephemerals = (s: State) =>
  s.timeline.filter((i): i is Extract<TimelineItem, { kind: 'ephemeral' }> => i.kind === 'ephemeral');

/** The confirmation id on a card's Confirm button. */
export function confirmId(m: TimelineMessage): string | undefined {
  return /"action_id":"mms_confirm","value":"([^"]+)"/.exec(text(m.blocks))?.[1];
}

function summary(s: State | undefined): string {
  if (!s) return '(no state)';
  return s.timeline
    .map((i) => `  ${i.kind}${i.kind === 'ephemeral' ? `/${i.via}` : ''}: ${i.text.slice(0, 120)}`)
    .join('\n');
}
