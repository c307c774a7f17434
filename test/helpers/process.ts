// The bot as users run it: a child process with only the environment it is given, its output collected,
// and a free loopback port for it to listen on.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BotProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  /** Its exit code (null when ended by a signal). */
  exited: Promise<number | null>;
}

/** Starts `command args` with PATH and HOME and `env`, nothing else from this process's environment. */
export function startProcess(command: string, args: string[], env: Record<string, string> = {}): BotProcess {
  let out = '';
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 50 ms until it holds; throws naming `what` after `ms`. A failing check counts as not yet. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await Promise.resolve(check()).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const MAIN = join('dist', 'main.js');

/**
 * `npm ci` builds dist/ (prepare); rebuild here when a source file is newer than the build. Test files run in
 * parallel: one builds while the others wait for it (a lock directory), then find the build fresh.
 */
export function ensureBuilt(): void {
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) => {
        const p = join(dir, e.name);
        return e.isDirectory() ? newest(p) : statSync(p).mtimeMs;
      }),
    );
  const fresh = () => existsSync(MAIN) && statSync(MAIN).mtimeMs >= newest('src');
  const lock = join(
    tmpdir(),
    `mms-chatops-build-${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12)}`,
  );
  const end = Date.now() + 170_000;
  for (;;) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a test run that was killed mid-build.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > end)
        throw new Error(`another test file has been building dist/ for too long (${lock})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync('npm', ['run', 'build'], { stdio: 'pipe', encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
