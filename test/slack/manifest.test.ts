// The manifest must match what the code does: the command it registers, the events it listens to, and
// a scope for every Web API method it calls (and no scope it does not need).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const manifest = parse(readFileSync('manifest.yml', 'utf8'));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// Only the bot's own code: the sandbox's Slack stand-in serves these methods, it does not call them.
const code = sources('src')
  .filter((f) => !f.startsWith(join('src', 'sandbox')) && !f.startsWith(join('src', 'sim')))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

/** Web API methods → the bot scope each needs (SLACK.md §7); null: none needed. */
const SCOPE_OF: Record<string, string | null> = {
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'chat.getPermalink': null,
  'views.open': null,
  'views.update': null,
  'views.publish': null,
  'auth.test': null,
  'usergroups.users.list': 'usergroups:read',
  // The watcher's look for its own earlier post after a crash (groups:history: the same in private channels).
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
};

describe('manifest.yml', () => {
  it('declares /mms with a description and usage hint', () => {
    const cmds = manifest.features.slash_commands;
    expect(cmds.map((c: { command: string }) => c.command)).toEqual(['/mms']);
    expect(cmds[0].description.length).toBeGreaterThan(0);
    expect(code).toContain(".command('/mms'");
  });

  it('has a scope for every Web API method the code calls, and no other', () => {
    const called = new Set(
      [...code.matchAll(/\b(?:client|web)\.(\w+)\.(\w+(?:\.\w+)?)\(/g)].map((m) => `${m[1]}.${m[2]}`),
    );
    const unknown = [...called].filter((m) => !(m in SCOPE_OF));
    expect(unknown, 'methods without a known scope').toEqual([]);
    const needed = new Set([...called].map((m) => SCOPE_OF[m]).filter((s): s is string => !!s));
    const declared = new Set<string>(manifest.oauth_config.scopes.bot);
    for (const s of needed) expect(declared).toContain(s);
    // chat:write.public is declared so cards reach public channels the bot was not invited to.
    const extra = [...declared].filter(
      (s) =>
        !needed.has(s) &&
        s !== 'commands' &&
        s !== 'chat:write.public' &&
        !(s === 'groups:history' && needed.has('channels:history')),
    );
    expect(extra, 'scopes the code does not use').toEqual([]);
  });

  it('subscribes to exactly the events the app listens to', () => {
    const listened = [...code.matchAll(/\.event\('([\w.]+)'/g)].map((m) => m[1]);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      [...new Set(listened)].sort(),
    );
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('enables interactivity at the same endpoint as commands', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.features.slash_commands[0].url).toBe(manifest.settings.interactivity.request_url);
  });

  it('stays within the schema limits', () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    const long = manifest.display_information.long_description.length;
    expect(long).toBeGreaterThanOrEqual(175);
    expect(long).toBeLessThanOrEqual(4000);
    expect(manifest.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
  });
});
