// The sandbox page in a real headless Chromium (Debian's: `apt-get install -y chromium`): typing a command,
// pressing buttons, the migrate form, hostile data staying text, and no CSP violation. Skipped, with the
// reason printed, when there is no Chromium (CHROMIUM_PATH overrides /usr/bin/chromium).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tempDir } from '../helpers/tmp.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `[sandbox browser test] SKIPPED: no Chromium at ${CHROMIUM}. ` +
      'Install it (apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH.',
  );
}

describe.skipIf(!haveChromium)('the sandbox page in Chromium', { timeout: 60_000 }, () => {
  let sb: Sandbox;
  let context: BrowserContext;
  let page: Page;
  const tmp = tempDir('mms-sandbox-browser-');
  const profile = mkdtempSync(join(tmpdir(), 'mms-sandbox-chromium-'));
  const shots = process.env.SANDBOX_SCREENSHOT_DIR || mkdtempSync(join(tmpdir(), 'mms-sandbox-shots-'));
  const problems: string[] = [];

  beforeAll(async () => {
    sb = await startSandbox({
      port: 0,
      dbPath: join(tmp.dir, 'sandbox.db'),
      autoStepMs: 0,
      logLevel: 'silent',
    });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await context?.close();
    await sb?.close();
    rmSync(profile, { recursive: true, force: true });
    tmp.cleanup();
  });

  async function run(command: string): Promise<void> {
    await page.fill('#cmd', command);
    await page.press('#cmd', 'Enter');
  }

  it('types /mms sources, sees hive-prod, presses a button, and keeps hostile data as text', async () => {
    sb.sim.addSource({ name: 'xss-probe', errMsg: '<img src=x onerror="window.__pwned=1">' });
    await page.goto(sb.url);
    await page.selectOption('#user', 'U0OPS00001');
    await run('/mms sources');
    const list = page.locator('#timeline .msg.eph', { hasText: 'Data sources' }).last();
    await expect.poll(() => list.textContent(), { timeout: 20_000 }).toContain('hive-prod');
    await expect.poll(() => list.textContent()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await page.locator('#timeline img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect
      .poll(() => page.locator('#timeline .eph .only').first().textContent())
      .toContain('Only visible to you');

    // The hive-prod button runs `source hive-prod`.
    await list.getByRole('button', { name: 'hive-prod', exact: true }).click();
    await expect
      .poll(() => page.locator('#timeline .msg.eph').last().textContent(), { timeout: 20_000 })
      .toMatch(/mc_sales/);
    await page.screenshot({ path: join(shots, 'sources.png') });
  });

  it('a viewer cannot confirm a scan, an operator can', async () => {
    await page.selectOption('#user', 'U0VIEW0001');
    await run('scan hive-prod');
    const card = page.locator('#timeline .msg:not(.eph):not(.reply)', { hasText: 'metadata scan' }).last();
    await card.getByRole('button', { name: 'Confirm' }).click({ timeout: 20_000 });
    await expect
      .poll(() => page.locator('#timeline .msg.eph').last().textContent(), { timeout: 20_000 })
      .toMatch(/Only operators/);

    await page.selectOption('#user', 'U0OPS00001');
    await card.getByRole('button', { name: 'Confirm' }).click({ timeout: 20_000 });
    await expect.poll(() => card.textContent(), { timeout: 20_000 }).toMatch(/Running|Done/);
    expect(await card.locator('.edited').count()).toBe(1);
    sb.sim.runUntilIdle();
  });

  it('fills the migrate form: a database choice loads the tables, Review posts the card', async () => {
    await run('/mms migrate hive-prod');
    const modal = page.locator('#modal-root .modal');
    await modal.locator('select[data-action="mms_migrate_db"]').waitFor({ timeout: 20_000 });
    await modal.locator('select[data-action="mms_migrate_db"]').selectOption('sales');
    const tables = modal.locator('select[data-block="tables"][multiple]');
    await tables.waitFor({ timeout: 20_000 });
    // One scope choice: only the tables picked below.
    await modal.locator('input[type="radio"][value="only"]').check();
    await tables.selectOption(['orders', 'customers']);
    await modal.locator('input[data-block="name"]').fill('browser_job');
    await page.screenshot({ path: join(shots, 'migrate-form.png') });
    await modal.getByRole('button', { name: 'Review' }).click();
    await page.locator('#modal-root .modal').waitFor({ state: 'detached', timeout: 20_000 });
    const card = page.locator('#timeline .msg:not(.eph):not(.reply)', { hasText: 'browser_job' });
    await card.waitFor({ timeout: 20_000 });
    expect(await card.textContent()).toContain('customers');
    await page.screenshot({ path: join(shots, 'channel.png'), fullPage: false });
    console.log(`[sandbox browser test] screenshots in ${shots}`);
    expect(problems).toEqual([]);
  });

  it('failure → retry → done: one card for the job, reading DONE, and one end-of-job message', async () => {
    const hive = [...sb.sim.model.sources.values()].find((x) => x.name === 'hive-prod')!;
    // The job's data tasks fail until the cause is fixed.
    sb.sim.model.failureRules.push({ sourceId: hive.id, db: 'hr', kind: 'accessDenied' });
    await page.selectOption('#user', 'U0OPS00001');
    await run('migrate hive-prod hr --name browser_retry');
    const request = page.locator('#timeline .msg:not(.eph):not(.reply)', { hasText: 'browser_retry' }).last();
    await request.getByRole('button', { name: 'Confirm' }).click({ timeout: 20_000 });
    // MMS moves on and the watcher polls until the page shows what is expected (the sandbox's own cron may
    // be mid-tick, so one tick of ours can be a no-op).
    const settleUntil = async (shown: () => Promise<boolean>) => {
      const end = Date.now() + 30_000;
      while (Date.now() < end) {
        sb.sim.runUntilIdle();
        await sb.bot.watcher.tick();
        if (await shown().catch(() => false)) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    // Top-level messages about the job, but for the retry's own confirmation card and thread replies also
    // sent to the channel (the end of each run).
    const jobCards = page
      .locator('#timeline .msg:not(.eph):not(.reply):not(.broadcast)', { hasText: 'browser_retry' })
      .filter({ hasNotText: 'Retry failed migration job' });
    await settleUntil(async () => /finished: FAILED/.test((await jobCards.last().textContent()) ?? ''));
    await expect.poll(() => jobCards.last().textContent(), { timeout: 20_000 }).toMatch(/FAILED/);

    // The cause is fixed; Retry from the job's card, then confirm.
    sb.sim.model.failureRules.splice(
      sb.sim.model.failureRules.findIndex((r) => r.sourceId === hive.id && r.db === 'hr'),
      1,
    );
    await jobCards.last().getByRole('button', { name: /Retry/ }).first().click({ timeout: 20_000 });
    const retryCard = page
      .locator('#timeline .msg:not(.eph)', { hasText: 'Retry failed migration job' })
      .last();
    await retryCard.getByRole('button', { name: 'Confirm' }).click({ timeout: 20_000 });
    await settleUntil(async () => /finished: DONE/.test((await jobCards.first().textContent()) ?? ''));

    // One card for the job in the channel, reading DONE, with no stale Retry button.
    await expect.poll(() => jobCards.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => jobCards.first().textContent(), { timeout: 20_000 }).toMatch(/DONE/);
    // The card's own buttons (its thread, with the past failure's Retry, is drawn inside it).
    const own = jobCards.first().locator(':scope > .content > .blocks');
    expect(await own.getByRole('button', { name: /Retry/ }).count()).toBe(0);
    expect(await own.getByRole('button', { name: 'Details' }).count()).toBe(1);
    // One end-of-job message per run, each a thread reply also sent to the channel: FAILED, then DONE.
    const ends = page.locator('#timeline .msg.broadcast:not(.reply)', { hasText: 'browser_retry' });
    await expect.poll(() => ends.count(), { timeout: 20_000 }).toBe(2);
    expect(await ends.filter({ hasText: 'finished: DONE' }).count()).toBe(1);
    // No Retry left anywhere in the job's thread (drawn inside the card), nor on the FAILED run's
    // broadcast: the failure and the FAILED summary now say when it was retried, and by whom.
    await expect
      .poll(() => jobCards.first().getByRole('button', { name: /Retry/ }).count(), { timeout: 20_000 })
      .toBe(0);
    await expect.poll(() => ends.getByRole('button', { name: /Retry/ }).count(), { timeout: 20_000 }).toBe(0);
    expect(await jobCards.first().textContent()).toMatch(/Retried .+ by /);
    await page.screenshot({ path: join(shots, 'retry-done.png') });
    expect(problems).toEqual([]);
  });
});
